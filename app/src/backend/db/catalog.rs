//! The catalog (SPEC §9): API products, plans, catalogs, and the one visibility rule.
//!
//! The rule lives in [`visible_catalogs`] alone: what `/catalog`, `/catalog/{product}`, its plans
//! and a user's "Catalog access" read. Its inverse, a product's "Audience", reads the same tables
//! from the product's side ([`Store::product_audience`]); a property test holds the two together.

use super::query::contains_pattern;
use super::{By, Store, StoreError, StoreResult, Subject, Tx, decoded, new_id};
use crate::domain::catalog::{
    Audience, AudienceTeam, Catalog, CatalogEntry, CatalogRow, Named, PlanOffer, PlanRow,
    PlanTerms, Product, ProductAccess, ProductRow, QuotaPeriod, ValidCatalog, ValidPlan,
    ValidProduct, Visibility, stored_tags, tags_of,
};
use sqlx::Row as _;

/// Who is looking at the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer<'a> {
    /// Not signed in: Public catalogs only.
    Anonymous,
    /// A consumer (or any user, for "Catalog access"), by id.
    User(&'a str),
    /// An admin: every catalog, and unpublished products too.
    Admin,
}

impl Viewer<'_> {
    /// Whether everything is visible (an admin).
    fn all(self) -> bool {
        self == Self::Admin
    }

    /// The id bound as the rule's `$1`: "" for no one.
    fn user_id(&self) -> &str {
        match self {
            Self::User(id) => id,
            Self::Anonymous | Self::Admin => "",
        }
    }
}

/// The one visibility rule, as SQL: the ids (column `id`) of the catalogs the user bound as `$1`
/// may see ("" for an anonymous visitor): every Public catalog, and every catalog whose audience
/// has one of the user's teams or the user's organization. With `$2 = 1` (an admin), every
/// catalog. A product is visible when it is published and in one of these; a plan is offered
/// for it when the plan shares one of these with it.
pub(super) fn visible_catalogs() -> &'static str {
    "select c.id as id from catalogs c where c.visibility = 'public' or $2 = 1 \
     union select a.catalog_id as id from catalog_audience_teams a \
       join team_memberships m on m.team_id = a.team_id where m.user_id = $1 \
     union select a.catalog_id as id from catalog_audience_organizations a \
       join users u on u.organization_id = a.organization_id where u.id = $1"
}

pub(super) fn terms(row: &sqlx::any::AnyRow) -> StoreResult<PlanTerms> {
    let rate_requests: Option<i64> = row.try_get("rate_requests")?;
    let rate_seconds: Option<i64> = row.try_get("rate_seconds")?;
    let quota_requests: Option<i64> = row.try_get("quota_requests")?;
    let period: Option<String> = row.try_get("quota_period")?;
    Ok(PlanTerms {
        rate: rate_requests.zip(rate_seconds),
        quota: quota_requests.zip(period.as_deref().and_then(QuotaPeriod::parse)),
        key_expiry_days: row.try_get("key_expiry_days")?,
        auto_approve: row.try_get::<i64, _>("auto_approve")? == 1,
    })
}

const PLAN_COLUMNS: &str = "pl.id, pl.name, pl.display_name, pl.description, pl.rate_requests, \
     pl.rate_seconds, pl.quota_requests, pl.quota_period, pl.key_expiry_days, pl.auto_approve";

fn plan_offer(row: &sqlx::any::AnyRow) -> StoreResult<PlanOffer> {
    Ok(PlanOffer {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        description: row.try_get("description")?,
        terms: terms(row)?,
    })
}

const PRODUCT_COLUMNS: &str = "p.id, p.name, p.display_name, p.summary, p.description, \
     p.getting_started, p.published, p.tags, p.gateway_prefix";

fn product(row: &sqlx::any::AnyRow) -> StoreResult<Product> {
    Ok(Product {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        summary: row.try_get("summary")?,
        description: row.try_get("description")?,
        getting_started: row.try_get("getting_started")?,
        published: row.try_get::<i64, _>("published")? == 1,
        tags: tags_of(&row.try_get::<String, _>("tags")?),
        gateway_prefix: row.try_get("gateway_prefix")?,
    })
}

/// Names of the catalogs whose join table `table` links them to `column = id`, by name.
async fn catalog_names(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    column: &str,
    id: &str,
) -> StoreResult<Vec<Named>> {
    sqlx::query(&format!(
        "select c.id, c.name from catalogs c join {table} j on j.catalog_id = c.id \
         where j.{column} = $1 order by lower(c.name), c.id"
    ))
    .bind(id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Named {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
        })
    })
    .collect()
}

impl Store {
    // --- The consumer side: the rule applied ---------------------------------------------------

    /// The products `viewer` may see whose display name, name or summary contains `search` and
    /// that carry `tag` ("" for any), by display name.
    pub async fn catalog_entries(
        &self,
        viewer: Viewer<'_>,
        search: &str,
        tag: &str,
    ) -> StoreResult<Vec<CatalogEntry>> {
        let all = viewer.all();
        let tag = tag.trim().to_lowercase();
        let tag_pattern = if tag.is_empty() {
            String::new()
        } else {
            format!("%,{},%", super::query::escape_like(&tag))
        };
        let rows = sqlx::query(&format!(
            "with visible as ({}) \
             select p.name, p.display_name, p.summary, p.tags, p.published from api_products p \
             where ($2 = 1 or (p.published = 1 and p.id in (select cp.product_id \
                   from catalog_products cp where cp.catalog_id in (select id from visible)))) \
               and (lower(p.display_name) like $3 escape '\\' or p.name like $3 escape '\\' \
                    or lower(p.summary) like $3 escape '\\') \
               and ($4 = '' or p.tags like $4 escape '\\') \
             order by lower(p.display_name), p.id limit 2000",
            visible_catalogs()
        ))
        .bind(viewer.user_id())
        .bind(i64::from(all))
        .bind(contains_pattern(search))
        .bind(tag_pattern)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CatalogEntry {
                    name: r.try_get("name")?,
                    display_name: r.try_get("display_name")?,
                    summary: r.try_get("summary")?,
                    tags: tags_of(&r.try_get::<String, _>("tags")?),
                    published: r.try_get::<i64, _>("published")? == 1,
                })
            })
            .collect()
    }

    /// The product named `name` and the plans offered for it, when `viewer` may see it; `None`
    /// otherwise, the same as for a product that does not exist.
    pub async fn catalog_product(
        &self,
        viewer: Viewer<'_>,
        name: &str,
    ) -> StoreResult<Option<(Product, Vec<PlanOffer>)>> {
        let all = viewer.all();
        let mut tx = self.begin_read().await?;
        let Some(row) = sqlx::query(&format!(
            "with visible as ({}) select {PRODUCT_COLUMNS} from api_products p \
             where p.name = $3 and ($2 = 1 or (p.published = 1 and exists (select 1 from \
             catalog_products cp where cp.product_id = p.id and cp.catalog_id in (select id from visible))))",
            visible_catalogs()
        ))
        .bind(viewer.user_id())
        .bind(i64::from(all))
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let product = product(&row)?;
        let plans = sqlx::query(&format!(
            "with visible as ({}) select {PLAN_COLUMNS} from plans pl where exists (select 1 \
             from catalog_plans cpl join catalog_products cp on cp.catalog_id = cpl.catalog_id \
             where cpl.plan_id = pl.id and cp.product_id = $3 \
               and cpl.catalog_id in (select id from visible)) \
             order by lower(pl.display_name), pl.id",
            visible_catalogs()
        ))
        .bind(viewer.user_id())
        .bind(i64::from(all))
        .bind(&product.id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(plan_offer)
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((product, plans)))
    }

    /// "Catalog access" of a user: the published products they can see and through which
    /// catalogs, by the same rule as their own catalog page.
    pub async fn catalog_access(&self, user_id: &str) -> StoreResult<Vec<ProductAccess>> {
        let rows = sqlx::query(&format!(
            "with visible as ({}) select p.id, p.name, p.display_name, c.name as catalog \
             from api_products p join catalog_products cp on cp.product_id = p.id \
             join catalogs c on c.id = cp.catalog_id \
             where p.published = 1 and c.id in (select id from visible) \
             order by lower(p.display_name), p.id, lower(c.name)",
            visible_catalogs()
        ))
        .bind(user_id)
        .bind(0_i64)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<ProductAccess> = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            let catalog: String = r.try_get("catalog")?;
            match out.last_mut() {
                Some(last) if last.product_id == id => last.catalogs.push(catalog),
                _ => out.push(ProductAccess {
                    product_id: id,
                    name: r.try_get("name")?,
                    display_name: r.try_get("display_name")?,
                    catalogs: vec![catalog],
                }),
            }
        }
        Ok(out)
    }

    /// "Audience" of a product: "Public" when a Public catalog has it, and the teams and
    /// organizations in the audience of any catalog that has it. Whether it is published is
    /// the product's own flag.
    pub async fn product_audience(&self, product_id: &str) -> StoreResult<Audience> {
        let mut tx = self.begin_read().await?;
        let public: i64 = sqlx::query(
            "select count(*) as n from catalog_products cp join catalogs c on c.id = cp.catalog_id \
             where cp.product_id = $1 and c.visibility = 'public'",
        )
        .bind(product_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let teams = sqlx::query(
            "select distinct t.id, t.name, o.name as organization, lower(o.name) as o_key, lower(t.name) as t_key \
             from catalog_products cp join catalog_audience_teams a on a.catalog_id = cp.catalog_id \
             join teams t on t.id = a.team_id join organizations o on o.id = t.organization_id \
             where cp.product_id = $1 order by o_key, t_key, t.id",
        )
        .bind(product_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(AudienceTeam {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                organization: r.try_get("organization")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let organizations = sqlx::query(
            "select distinct o.id, o.name, lower(o.name) as o_key from catalog_products cp \
             join catalog_audience_organizations a on a.catalog_id = cp.catalog_id \
             join organizations o on o.id = a.organization_id \
             where cp.product_id = $1 order by o_key, o.id",
        )
        .bind(product_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Named {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Audience {
            public: public > 0,
            teams,
            organizations,
        })
    }

    // --- API products ----------------------------------------------------------------------------

    /// "API products": those whose name or display name contains `search`, optionally only
    /// published (`Some(true)`) or unpublished ones, or those of one catalog.
    pub async fn list_products(
        &self,
        search: &str,
        published: Option<bool>,
        catalog_id: &str,
    ) -> StoreResult<Vec<ProductRow>> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "select p.id, p.name, p.display_name, p.published, p.tags, p.gateway_prefix \
             from api_products p \
             where (lower(p.display_name) like $1 escape '\\' or p.name like $1 escape '\\') \
               and ($2 = -1 or p.published = $2) \
               and ($3 = '' or exists (select 1 from catalog_products cp where cp.product_id = p.id and cp.catalog_id = $3)) \
             order by lower(p.display_name), p.id limit 2000",
        )
        .bind(contains_pattern(search))
        .bind(published.map_or(-1_i64, i64::from))
        .bind(catalog_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let catalogs = catalog_names(&mut tx, "catalog_products", "product_id", &id)
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect();
            out.push(ProductRow {
                id,
                name: r.try_get("name")?,
                display_name: r.try_get("display_name")?,
                published: r.try_get::<i64, _>("published")? == 1,
                tags: tags_of(&r.try_get::<String, _>("tags")?),
                gateway_prefix: r.try_get("gateway_prefix")?,
                catalogs,
            });
        }
        Ok(out)
    }

    /// One product and the catalogs it is in.
    pub async fn product(&self, id: &str) -> StoreResult<Option<(Product, Vec<Named>)>> {
        let mut tx = self.begin_read().await?;
        let Some(row) = sqlx::query(&format!(
            "select {PRODUCT_COLUMNS} from api_products p where p.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let catalogs = catalog_names(&mut tx, "catalog_products", "product_id", id).await?;
        Ok(Some((product(&row)?, catalogs)))
    }

    /// Adds a product; a taken name or gateway prefix is `Unique`.
    pub async fn create_product(&self, valid: &ValidProduct, by: By<'_>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into api_products (id, name, display_name, summary, description, getting_started, \
             published, tags, gateway_prefix, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&id)
        .bind(&valid.name)
        .bind(&valid.display_name)
        .bind(&valid.summary)
        .bind(&valid.description)
        .bind(&valid.getting_started)
        .bind(i64::from(valid.published))
        .bind(stored_tags(&valid.tags))
        .bind(&valid.gateway_prefix)
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        super::apps::gateway_changed(&mut tx).await?;
        tx.audit(by, "product.created", Subject::Product(&id), &valid.name)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a product's fields; `NotFound` when it is gone.
    pub async fn update_product(
        &self,
        id: &str,
        valid: &ValidProduct,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "update api_products set name = $2, display_name = $3, summary = $4, description = $5, \
             getting_started = $6, published = $7, tags = $8, gateway_prefix = $9, updated_at = $10 \
             where id = $1",
        )
        .bind(id)
        .bind(&valid.name)
        .bind(&valid.display_name)
        .bind(&valid.summary)
        .bind(&valid.description)
        .bind(&valid.getting_started)
        .bind(i64::from(valid.published))
        .bind(stored_tags(&valid.tags))
        .bind(&valid.gateway_prefix)
        .bind(by.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        super::apps::gateway_changed(&mut tx).await?;
        tx.audit(by, "product.updated", Subject::Product(id), &valid.name)
            .await?;
        tx.commit().await
    }

    /// Deletes a product (it leaves its catalogs); `NotFound` when it is gone.
    pub async fn delete_product(&self, id: &str, by: By<'_>) -> StoreResult<()> {
        self.delete_row(
            "api_products",
            "product.deleted",
            Subject::Product(id),
            id,
            by,
        )
        .await
    }

    async fn delete_row(
        &self,
        table: &str,
        action: &str,
        subject: Subject<'_>,
        id: &str,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        match table {
            "api_products" => super::apps::refuse_if_live(&mut tx, "product_id", id).await?,
            "plans" => super::apps::refuse_if_live(&mut tx, "plan_id", id).await?,
            _ => {}
        }
        let name: Option<String> =
            sqlx::query(&format!("delete from {table} where id = $1 returning name"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("name"))
                .transpose()?;
        let name = name.ok_or(StoreError::NotFound)?;
        tx.audit(by, action, subject, &name).await?;
        tx.commit().await
    }

    // --- Plans -------------------------------------------------------------------------------------

    /// "Plans", by display name, with the catalogs each is in.
    pub async fn list_plans(&self) -> StoreResult<Vec<PlanRow>> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!(
            "select {PLAN_COLUMNS} from plans pl order by lower(pl.display_name), pl.id limit 2000"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let offer = plan_offer(r)?;
            let catalogs = catalog_names(&mut tx, "catalog_plans", "plan_id", &offer.id)
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect();
            out.push(PlanRow {
                id: offer.id,
                name: offer.name,
                display_name: offer.display_name,
                description: offer.description,
                terms: offer.terms,
                catalogs,
            });
        }
        Ok(out)
    }

    /// Adds a plan; a taken name is `Unique`.
    pub async fn create_plan(&self, valid: &ValidPlan, by: By<'_>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        write_plan(&mut tx, &id, valid, by, true).await?;
        tx.audit(by, "plan.created", Subject::Plan(&id), &valid.name)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a plan; `NotFound` when it is gone.
    pub async fn update_plan(&self, id: &str, valid: &ValidPlan, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        write_plan(&mut tx, id, valid, by, false).await?;
        super::apps::gateway_changed(&mut tx).await?;
        tx.audit(by, "plan.updated", Subject::Plan(id), &valid.name)
            .await?;
        tx.commit().await
    }

    pub async fn delete_plan(&self, id: &str, by: By<'_>) -> StoreResult<()> {
        self.delete_row("plans", "plan.deleted", Subject::Plan(id), id, by)
            .await
    }

    // --- Catalogs ----------------------------------------------------------------------------------

    /// "Catalogs", by name, with how many products, plans and audience entries each has.
    pub async fn list_catalogs(&self) -> StoreResult<Vec<CatalogRow>> {
        sqlx::query(
            "select c.id, c.name, c.visibility, \
             (select count(*) from catalog_products x where x.catalog_id = c.id) as products, \
             (select count(*) from catalog_plans x where x.catalog_id = c.id) as plans, \
             (select count(*) from catalog_audience_teams x where x.catalog_id = c.id) \
             + (select count(*) from catalog_audience_organizations x where x.catalog_id = c.id) as audience \
             from catalogs c order by lower(c.name), c.id limit 2000",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(CatalogRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                visibility: decoded(r, "visibility", Visibility::parse)?,
                products: r.try_get("products")?,
                plans: r.try_get("plans")?,
                audience: r.try_get("audience")?,
            })
        })
        .collect()
    }

    /// One catalog with the ids it holds.
    pub async fn catalog(&self, id: &str) -> StoreResult<Option<Catalog>> {
        let mut tx = self.begin_read().await?;
        let Some(row) = sqlx::query("select id, name, visibility from catalogs where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let mut ids = Vec::with_capacity(4);
        for (table, column) in [
            ("catalog_products", "product_id"),
            ("catalog_plans", "plan_id"),
            ("catalog_audience_teams", "team_id"),
            ("catalog_audience_organizations", "organization_id"),
        ] {
            let list: Vec<String> = sqlx::query(&format!(
                "select {column} as id from {table} where catalog_id = $1 order by {column}"
            ))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
            ids.push(list);
        }
        let mut ids = ids.into_iter();
        let mut next = || ids.next().unwrap_or_default();
        Ok(Some(Catalog {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            visibility: decoded(&row, "visibility", Visibility::parse)?,
            product_ids: next(),
            plan_ids: next(),
            team_ids: next(),
            organization_ids: next(),
        }))
    }

    /// Adds a catalog with its products, plans and audience; an unknown id is `ForeignKey`, a
    /// taken name `Unique`. All or nothing.
    pub async fn create_catalog(&self, valid: &ValidCatalog, by: By<'_>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into catalogs (id, name, visibility, created_at, updated_at) values ($1, $2, $3, $4, $4)",
        )
        .bind(&id)
        .bind(&valid.name)
        .bind(valid.visibility.as_str())
        .bind(by.now)
        .execute(&mut *tx)
        .await?;
        write_catalog_members(&mut tx, &id, valid).await?;
        tx.audit(by, "catalog.created", Subject::Catalog(&id), &valid.name)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a catalog: its name, visibility, and the whole of its products, plans and audience.
    pub async fn update_catalog(
        &self,
        id: &str,
        valid: &ValidCatalog,
        by: By<'_>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "update catalogs set name = $2, visibility = $3, updated_at = $4 where id = $1",
        )
        .bind(id)
        .bind(&valid.name)
        .bind(valid.visibility.as_str())
        .bind(by.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        for table in [
            "catalog_products",
            "catalog_plans",
            "catalog_audience_teams",
            "catalog_audience_organizations",
        ] {
            sqlx::query(&format!("delete from {table} where catalog_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        write_catalog_members(&mut tx, id, valid).await?;
        tx.audit(by, "catalog.updated", Subject::Catalog(id), &valid.name)
            .await?;
        tx.commit().await
    }

    pub async fn delete_catalog(&self, id: &str, by: By<'_>) -> StoreResult<()> {
        self.delete_row("catalogs", "catalog.deleted", Subject::Catalog(id), id, by)
            .await
    }

    /// Products and plans as the catalog form offers them.
    pub async fn product_and_plan_choices(&self) -> StoreResult<(Vec<Named>, Vec<Named>)> {
        let mut tx = self.begin_read().await?;
        let mut out = Vec::with_capacity(2);
        for table in ["api_products", "plans"] {
            let list = sqlx::query(&format!(
                "select id, display_name, name from {table} order by lower(display_name), id limit 5000"
            ))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                let display: String = r.try_get("display_name")?;
                let name: String = r.try_get("name")?;
                Ok(Named {
                    id: r.try_get("id")?,
                    name: if display == name {
                        display
                    } else {
                        format!("{display} ({name})")
                    },
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
            out.push(list);
        }
        let plans = out.pop().unwrap_or_default();
        let products = out.pop().unwrap_or_default();
        Ok((products, plans))
    }
}

async fn write_plan(
    tx: &mut Tx,
    id: &str,
    valid: &ValidPlan,
    by: By<'_>,
    new: bool,
) -> StoreResult<()> {
    let sql = if new {
        "insert into plans (id, name, display_name, description, rate_requests, rate_seconds, \
         quota_requests, quota_period, key_expiry_days, auto_approve, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    } else {
        "update plans set name = $2, display_name = $3, description = $4, rate_requests = $5, \
         rate_seconds = $6, quota_requests = $7, quota_period = $8, key_expiry_days = $9, \
         auto_approve = $10, updated_at = $11 where id = $1"
    };
    let t = &valid.terms;
    let changed = sqlx::query(sql)
        .bind(id)
        .bind(&valid.name)
        .bind(&valid.display_name)
        .bind(&valid.description)
        .bind(t.rate.map(|r| r.0))
        .bind(t.rate.map(|r| r.1))
        .bind(t.quota.map(|q| q.0))
        .bind(t.quota.map(|q| q.1.as_str()))
        .bind(t.key_expiry_days)
        .bind(i64::from(t.auto_approve))
        .bind(by.now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

async fn write_catalog_members(tx: &mut Tx, id: &str, valid: &ValidCatalog) -> StoreResult<()> {
    for (table, column, ids) in [
        ("catalog_products", "product_id", &valid.product_ids),
        ("catalog_plans", "plan_id", &valid.plan_ids),
        ("catalog_audience_teams", "team_id", &valid.team_ids),
        (
            "catalog_audience_organizations",
            "organization_id",
            &valid.organization_ids,
        ),
    ] {
        let sql = format!("insert into {table} (catalog_id, {column}) values ($1, $2)");
        for member in ids {
            sqlx::query(&sql)
                .bind(id)
                .bind(member)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
