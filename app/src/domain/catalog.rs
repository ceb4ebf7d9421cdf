//! The catalog (SPEC §9): API products, plans and catalogs as the admin app edits them and as
//! consumers see them, and the validation of their forms. Parsed once here, on both sides.

use crate::domain::GroupName;
use crate::domain::documentation::DocumentInfo;
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// The longest "Summary" (one line).
pub const SUMMARY_MAX_CHARS: usize = 200;
/// The longest Markdown text ("Description", "Getting started").
pub const MARKDOWN_MAX_CHARS: usize = 100_000;
/// The longest plan description (plain text).
pub const PLAN_DESCRIPTION_MAX_CHARS: usize = 2_000;
/// How many tags a product may have.
pub const MAX_TAGS: usize = 10;
/// The longest tag.
pub const TAG_MAX_CHARS: usize = 30;

pub const DUPLICATE_PRODUCT: &str = "An API product with this name already exists.";
pub const DUPLICATE_PREFIX: &str = "Another API product already uses this gateway path prefix.";
pub const DUPLICATE_PLAN: &str = "A plan with this name already exists.";
pub const DUPLICATE_CATALOG: &str = "A catalog with this name already exists.";

/// A product's name: its identifier and its address (`/catalog/{name}`), so lowercase letters,
/// digits and single hyphens between them, 1 to 64 characters.
pub fn parse_product_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Enter a product name.");
    }
    let shape = name.len() <= 64
        && name.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
        });
    if !shape {
        return Err(
            "Use 1 to 64 lowercase letters and digits, with single hyphens between them (it is the product's address: /catalog/payments-api).",
        );
    }
    Ok(name.to_owned())
}

/// A gateway path prefix such as `/payments/`: starts and ends with `/`, URL path characters
/// only, no empty or dot segments.
pub fn parse_gateway_prefix(input: &str) -> Result<String, &'static str> {
    const SHAPE: &str = "Enter a path that starts and ends with \"/\", such as /payments/ (letters, digits, - . _ ~ and /).";
    let prefix = input.trim();
    if prefix.is_empty() {
        return Err("Enter a gateway path prefix, such as /payments/.");
    }
    if prefix.len() > 200 || prefix.len() < 3 || !prefix.starts_with('/') || !prefix.ends_with('/')
    {
        return Err(SHAPE);
    }
    let inner = &prefix[1..prefix.len() - 1];
    let segments_ok = inner.split('/').all(|seg| {
        !seg.is_empty()
            && seg != "."
            && seg != ".."
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    });
    if !segments_ok {
        return Err(SHAPE);
    }
    Ok(prefix.to_owned())
}

/// "Tags": comma-separated, each trimmed and lowercased, duplicates dropped.
pub fn parse_tags(input: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input.split(',').map(|t| t.trim().to_lowercase()) {
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > TAG_MAX_CHARS
            || !tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        {
            return Err(format!(
                "Each tag is at most {TAG_MAX_CHARS} letters, digits, spaces or hyphens; separate tags with commas."
            ));
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("At most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

/// The tags as stored: each between commas (`,payments,cards,`), so one tag is a `like` match.
pub fn stored_tags(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!(",{},", tags.join(","))
    }
}

/// The stored tags as a list.
pub fn tags_of(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `value` trimmed, with a message under `field` when longer than `max` characters, on more than
/// one line when `one_line`, or holding control characters.
pub(crate) fn bounded_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    one_line: bool,
) -> String {
    let value = if one_line {
        value.trim()
    } else {
        value.trim_end()
    };
    if value.chars().count() > max {
        errors.note(field, format!("At most {max} characters."));
    } else if one_line && value.contains(['\n', '\r']) {
        errors.note(field, "Keep it to one line.");
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.note(field, "Remove the control characters.");
    }
    value.to_owned()
}

/// A display name (`GroupName`'s rules), or "" with its message under `field`.
pub(crate) fn display_name(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    errors
        .check(field, GroupName::parse(value))
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default()
}

/// What "Add new API product" and "Edit" post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub name: String,
    pub display_name: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub getting_started: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub tags: String,
    pub gateway_prefix: String,
}

/// A product form that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProduct {
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub description: String,
    pub getting_started: String,
    pub published: bool,
    pub tags: Vec<String>,
    pub gateway_prefix: String,
}

impl ProductForm {
    pub fn validate(&self) -> Result<ValidProduct, AppError> {
        let mut errors = FieldErrors::default();
        let name = errors
            .check("name", parse_product_name(&self.name))
            .unwrap_or_default();
        let display_name = display_name(&mut errors, "display_name", &self.display_name);
        let summary = bounded_text(
            &mut errors,
            "summary",
            &self.summary,
            SUMMARY_MAX_CHARS,
            true,
        );
        let description = bounded_text(
            &mut errors,
            "description",
            &self.description,
            MARKDOWN_MAX_CHARS,
            false,
        );
        let getting_started = bounded_text(
            &mut errors,
            "getting_started",
            &self.getting_started,
            MARKDOWN_MAX_CHARS,
            false,
        );
        let tags = errors
            .check("tags", parse_tags(&self.tags))
            .unwrap_or_default();
        let gateway_prefix = errors
            .check("gateway_prefix", parse_gateway_prefix(&self.gateway_prefix))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors.into_error());
        }
        Ok(ValidProduct {
            name,
            display_name,
            summary,
            description,
            getting_started,
            published: self.published.is_some(),
            tags,
            gateway_prefix,
        })
    }

    /// The form's values, echoed back with its field errors so the form keeps them.
    pub fn values(&self) -> Vec<(String, String)> {
        [
            ("name", &self.name),
            ("display_name", &self.display_name),
            ("summary", &self.summary),
            ("description", &self.description),
            ("getting_started", &self.getting_started),
            ("tags", &self.tags),
            ("gateway_prefix", &self.gateway_prefix),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .chain(
            self.published
                .as_ref()
                .map(|_| ("published".to_owned(), "on".to_owned())),
        )
        .collect()
    }
}

/// The period of a usage quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuotaPeriod {
    Hour,
    Day,
    Month,
}

impl QuotaPeriod {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "hour" => Some(Self::Hour),
            "day" => Some(Self::Day),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Month => "month",
        }
    }
}

/// A plan's limits and approval, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTerms {
    /// Requests per so many seconds; `None` is "Unlimited".
    pub rate: Option<(i64, i64)>,
    /// Requests per period; `None` is "Unlimited".
    pub quota: Option<(i64, QuotaPeriod)>,
    /// Days a key lives; `None` is never expiring.
    pub key_expiry_days: Option<i64>,
    pub auto_approve: bool,
}

/// `n` with thousands separators, as people read limits.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl PlanTerms {
    /// "100 requests per 60 seconds", or "Unlimited".
    pub fn rate_text(&self) -> String {
        match self.rate {
            None => "Unlimited".into(),
            Some((n, 1)) => format!("{} requests per second", grouped(n)),
            Some((n, s)) => format!("{} requests per {} seconds", grouped(n), grouped(s)),
        }
    }

    /// "10,000 requests per day", or "Unlimited".
    pub fn quota_text(&self) -> String {
        match self.quota {
            None => "Unlimited".into(),
            Some((n, period)) => format!("{} requests per {}", grouped(n), period.as_str()),
        }
    }

    /// "Never", or "After 90 days".
    pub fn expiry_text(&self) -> String {
        match self.key_expiry_days {
            None => "Never".into(),
            Some(1) => "After 1 day".into(),
            Some(days) => format!("After {} days", grouped(days)),
        }
    }
}

/// What "Add new plan" and "Edit" post. Empty limits mean "Unlimited" and a never-expiring key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    pub name: String,
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rate_requests: String,
    #[serde(default)]
    pub rate_seconds: String,
    #[serde(default)]
    pub quota_requests: String,
    #[serde(default)]
    pub quota_period: String,
    #[serde(default)]
    pub key_expiry_days: String,
    #[serde(default)]
    pub auto_approve: Option<String>,
}

/// A plan form that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlan {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub terms: PlanTerms,
}

/// A whole number in `1..=max` from a field, `None` when the field is empty.
fn count_field(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: i64,
    what: &str,
) -> Option<i64> {
    let value = value.trim().replace(',', "");
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ => {
            errors.note(
                field,
                format!("Enter a whole number of {what} from 1 to {}.", grouped(max)),
            );
            None
        }
    }
}

impl PlanForm {
    pub fn validate(&self) -> Result<ValidPlan, AppError> {
        let mut errors = FieldErrors::default();
        let name = display_name(&mut errors, "name", &self.name);
        let display = display_name(&mut errors, "display_name", &self.display_name);
        let description = bounded_text(
            &mut errors,
            "description",
            &self.description,
            PLAN_DESCRIPTION_MAX_CHARS,
            false,
        );
        let requests = count_field(
            &mut errors,
            "rate_requests",
            &self.rate_requests,
            1_000_000_000,
            "requests",
        );
        let seconds = count_field(
            &mut errors,
            "rate_seconds",
            &self.rate_seconds,
            31_536_000,
            "seconds",
        );
        let rate = match (
            self.rate_requests.trim().is_empty(),
            self.rate_seconds.trim().is_empty(),
        ) {
            (true, true) => None,
            (true, false) => {
                errors.note(
                    "rate_requests",
                    "Enter how many requests, or leave both empty for Unlimited.",
                );
                None
            }
            (false, true) => {
                errors.note(
                    "rate_seconds",
                    "Enter per how many seconds, or leave both empty for Unlimited.",
                );
                None
            }
            (false, false) => requests.zip(seconds),
        };
        let quota_requests = count_field(
            &mut errors,
            "quota_requests",
            &self.quota_requests,
            1_000_000_000_000,
            "requests",
        );
        // The period matters only with a number: the form always posts one (its select has no
        // empty choice), and an empty number is "Unlimited" whatever period is shown.
        let quota = match quota_requests {
            None => None,
            Some(n) => match QuotaPeriod::parse(self.quota_period.trim()) {
                Some(period) => Some((n, period)),
                None => {
                    errors.note("quota_period", "Choose hour, day or month.");
                    None
                }
            },
        };
        let key_expiry_days = count_field(
            &mut errors,
            "key_expiry_days",
            &self.key_expiry_days,
            36_500,
            "days",
        );
        if !errors.is_empty() {
            return Err(errors.into_error());
        }
        Ok(ValidPlan {
            name,
            display_name: display,
            description,
            terms: PlanTerms {
                rate,
                quota,
                key_expiry_days,
                auto_approve: self.auto_approve.is_some(),
            },
        })
    }

    pub fn values(&self) -> Vec<(String, String)> {
        [
            ("name", &self.name),
            ("display_name", &self.display_name),
            ("description", &self.description),
            ("rate_requests", &self.rate_requests),
            ("rate_seconds", &self.rate_seconds),
            ("quota_requests", &self.quota_requests),
            ("quota_period", &self.quota_period),
            ("key_expiry_days", &self.key_expiry_days),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .chain(
            self.auto_approve
                .as_ref()
                .map(|_| ("auto_approve".to_owned(), "on".to_owned())),
        )
        .collect()
    }
}

/// Who may see a catalog's products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    /// Anyone, signed in or not.
    Public,
    /// Only the audience (and admins).
    Private,
}

impl Visibility {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "public" => Some(Self::Public),
            "private" => Some(Self::Private),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "Public",
            Self::Private => "Private",
        }
    }
}

/// What "Add new catalog" and "Edit" post: the name, the visibility, and the chosen products,
/// plans, teams and organizations (by id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogForm {
    pub name: String,
    pub visibility: String,
    #[serde(default)]
    pub product_ids: Vec<String>,
    #[serde(default)]
    pub plan_ids: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
    #[serde(default)]
    pub organization_ids: Vec<String>,
}

/// A catalog form that passed every check (the ids are checked by the store's foreign keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCatalog {
    pub name: String,
    pub visibility: Visibility,
    pub product_ids: Vec<String>,
    pub plan_ids: Vec<String>,
    pub team_ids: Vec<String>,
    pub organization_ids: Vec<String>,
}

fn distinct(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = ids
        .iter()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

impl CatalogForm {
    pub fn validate(&self) -> Result<ValidCatalog, AppError> {
        let mut errors = FieldErrors::default();
        let name = display_name(&mut errors, "name", &self.name);
        let visibility = Visibility::parse(self.visibility.trim());
        if visibility.is_none() {
            errors.note("visibility", "Choose Public or Private.");
        }
        let lists = [
            &self.product_ids,
            &self.plan_ids,
            &self.team_ids,
            &self.organization_ids,
        ];
        if lists.iter().any(|l| l.len() > 20_000) {
            errors.note("name", "Too many choices in one catalog.");
        }
        match (errors.is_empty(), visibility) {
            (true, Some(visibility)) => Ok(ValidCatalog {
                name,
                visibility,
                product_ids: distinct(&self.product_ids),
                plan_ids: distinct(&self.plan_ids),
                team_ids: distinct(&self.team_ids),
                organization_ids: distinct(&self.organization_ids),
            }),
            _ => Err(errors.into_error()),
        }
    }

    pub fn values(&self) -> Vec<(String, String)> {
        vec![
            ("name".into(), self.name.clone()),
            ("visibility".into(), self.visibility.clone()),
            ("product_ids".into(), self.product_ids.join(",")),
            ("plan_ids".into(), self.plan_ids.join(",")),
            ("team_ids".into(), self.team_ids.join(",")),
            ("organization_ids".into(), self.organization_ids.join(",")),
        ]
    }
}

/// One row of "API products" in the admin app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub published: bool,
    pub tags: Vec<String>,
    pub gateway_prefix: String,
    /// The names of the catalogs it is in.
    pub catalogs: Vec<String>,
}

/// A product as stored, for its admin page and edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub description: String,
    pub getting_started: String,
    pub published: bool,
    pub tags: Vec<String>,
    pub gateway_prefix: String,
}

/// A named thing chosen by id (a catalog, an organization).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// A team in an audience, with its organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceTeam {
    pub id: String,
    pub name: String,
    pub organization: String,
}

/// "Audience" of a product: who can see it, from the same rule as the consumer pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// In a Public catalog: anyone can see it (when published).
    pub public: bool,
    pub teams: Vec<AudienceTeam>,
    pub organizations: Vec<Named>,
}

/// A product's admin page: the product, its catalogs, its audience, and its rendered texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub product: Product,
    pub catalogs: Vec<Named>,
    pub audience: Audience,
    pub description_html: String,
    pub getting_started_html: String,
    /// The uploaded OpenAPI document, if any.
    pub documentation: Option<DocumentInfo>,
}

/// One row of "Plans".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub terms: PlanTerms,
    pub catalogs: Vec<String>,
}

/// One row of "Catalogs".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRow {
    pub id: String,
    pub name: String,
    pub visibility: Visibility,
    pub products: i64,
    pub plans: i64,
    /// Teams plus organizations in its audience.
    pub audience: i64,
}

/// A catalog as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub id: String,
    pub name: String,
    pub visibility: Visibility,
    pub product_ids: Vec<String>,
    pub plan_ids: Vec<String>,
    pub team_ids: Vec<String>,
    pub organization_ids: Vec<String>,
}

/// The confirmation's sentence for deleting a product or a plan (`what`) that is in `catalogs`.
pub fn delete_text(what: &str, catalogs: &[String]) -> String {
    match catalogs.len() {
        0 => format!("Delete this {what}? It is in no catalog. This cannot be undone."),
        n => format!(
            "Delete this {what}? It leaves {n} catalog{}: {}. Consumers who see it only there no longer will. This cannot be undone.",
            if n == 1 { "" } else { "s" },
            catalogs.join(", ")
        ),
    }
}

/// A product on `/catalog`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// Only admins see unpublished products; the list marks them.
    pub published: bool,
}

/// A plan offered for a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOffer {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub terms: PlanTerms,
}

/// `/catalog/{product}`: the product, its rendered texts and the plans offered to this viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogProduct {
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub published: bool,
    pub description_html: String,
    pub getting_started_html: String,
    pub plans: Vec<PlanOffer>,
    /// The API reference's table of contents, when the product has documentation.
    pub documentation: Option<DocumentInfo>,
}

/// "Catalog access" on a user's page: a product they can see and the catalogs through which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAccess {
    pub product_id: String,
    pub name: String,
    pub display_name: String,
    pub catalogs: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_names_are_addresses() {
        assert_eq!(
            parse_product_name(" payments-api "),
            Ok("payments-api".into())
        );
        for bad in [
            "",
            "Payments",
            "pay ments",
            "-pay",
            "pay-",
            "pay--x",
            "päy",
            &"a".repeat(65),
        ] {
            assert!(parse_product_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gateway_prefixes_start_and_end_with_a_slash_and_have_no_dot_segments() {
        assert_eq!(parse_gateway_prefix("/payments/"), Ok("/payments/".into()));
        assert_eq!(
            parse_gateway_prefix("/v1/pay.ments_~x/"),
            Ok("/v1/pay.ments_~x/".into())
        );
        for bad in [
            "",
            "/",
            "//",
            "payments/",
            "/payments",
            "/a//b/",
            "/../",
            "/a/./",
            "/a b/",
            "/a?b/",
        ] {
            assert!(parse_gateway_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_are_lowercased_deduplicated_and_bounded() {
        assert_eq!(
            parse_tags(" Payments, cards ,payments,,"),
            Ok(vec!["payments".to_string(), "cards".to_string()])
        );
        assert!(parse_tags("a<b").is_err());
        assert!(
            parse_tags(
                &(0..11)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .is_err()
        );
        assert_eq!(
            tags_of(&stored_tags(&["a".into(), "b c".into()])),
            vec!["a", "b c"]
        );
        assert_eq!(stored_tags(&[]), "");
    }

    #[test]
    fn plan_limits_are_both_or_neither_and_read_as_people_say_them() {
        let form = PlanForm {
            name: "Gold".into(),
            display_name: "Gold".into(),
            rate_requests: "1,000".into(),
            rate_seconds: "60".into(),
            quota_requests: "100000".into(),
            quota_period: "day".into(),
            key_expiry_days: "90".into(),
            ..Default::default()
        };
        let plan = form.validate().expect("valid");
        assert_eq!(plan.terms.rate_text(), "1,000 requests per 60 seconds");
        assert_eq!(plan.terms.quota_text(), "100,000 requests per day");
        assert_eq!(plan.terms.expiry_text(), "After 90 days");
        // As the form posts it: the quota's period select always sends a value.
        let unlimited = PlanForm {
            name: "Free".into(),
            display_name: "Free".into(),
            quota_period: "day".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(unlimited.terms.rate_text(), "Unlimited");
        assert_eq!(unlimited.terms.quota_text(), "Unlimited");
        assert_eq!(unlimited.terms.expiry_text(), "Never");
        for (field, broken) in [
            (
                "rate_seconds",
                PlanForm {
                    rate_seconds: "".into(),
                    ..form.clone()
                },
            ),
            (
                "rate_requests",
                PlanForm {
                    rate_requests: "".into(),
                    ..form.clone()
                },
            ),
            (
                "rate_requests",
                PlanForm {
                    rate_requests: "0".into(),
                    ..form.clone()
                },
            ),
            (
                "quota_period",
                PlanForm {
                    quota_period: "week".into(),
                    ..form.clone()
                },
            ),
            (
                "quota_requests",
                PlanForm {
                    quota_requests: "1.5".into(),
                    ..form.clone()
                },
            ),
            (
                "key_expiry_days",
                PlanForm {
                    key_expiry_days: "-1".into(),
                    ..form.clone()
                },
            ),
        ] {
            let error = broken.validate().expect_err(field);
            assert!(error.field_message(field).is_some(), "{field}: {error:?}");
        }
    }

    #[test]
    fn a_catalog_needs_a_name_and_a_visibility() {
        let error = CatalogForm::default().validate().expect_err("empty");
        assert!(error.field_message("name").is_some());
        assert!(error.field_message("visibility").is_some());
        let ok = CatalogForm {
            name: "Partners".into(),
            visibility: "private".into(),
            team_ids: vec!["b".into(), "a".into(), "b".into(), " ".into()],
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.team_ids, vec!["a", "b"]);
        assert_eq!(ok.visibility, Visibility::Private);
    }
}
