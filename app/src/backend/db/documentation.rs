//! An API product's uploaded OpenAPI document (SPEC §9), one per product; each upload counts up
//! its `version`, which keys the rendered reference's cache.

use super::{By, Store, StoreError, StoreResult, Subject};
use crate::domain::documentation::{DocumentInfo, OperationLink};
use sqlx::Row as _;

/// A checked document to store.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub file_name: &'a str,
    pub openapi_version: &'a str,
    pub title: &'a str,
    pub api_version: &'a str,
    pub operations: &'a [OperationLink],
    pub source: &'a str,
    /// [`crate::backend::openapi::digest`] of `source`.
    pub digest: &'a str,
}

const INFO_COLUMNS: &str = "file_name, openapi_version, title, api_version, operations, \
                            size_bytes, version, uploaded_at";

fn info(row: &sqlx::any::AnyRow) -> StoreResult<DocumentInfo> {
    let operations: String = row.try_get("operations")?;
    let operations = serde_json::from_str(&operations).map_err(|e| {
        StoreError::Database(sqlx::Error::Decode(
            format!("api_documents.operations: {e}").into(),
        ))
    })?;
    Ok(DocumentInfo {
        file_name: row.try_get("file_name")?,
        openapi_version: row.try_get("openapi_version")?,
        title: row.try_get("title")?,
        api_version: row.try_get("api_version")?,
        size_bytes: row.try_get("size_bytes")?,
        version: row.try_get("version")?,
        uploaded_at: row.try_get("uploaded_at")?,
        operations,
    })
}

impl Store {
    /// Stores `document` as the product's documentation, replacing the one before; answers its
    /// version. `NotFound` when the product is gone.
    pub async fn put_document(
        &self,
        product_id: &str,
        document: &NewDocument<'_>,
        by: By<'_>,
    ) -> StoreResult<i64> {
        let operations = serde_json::to_string(document.operations).map_err(|e| {
            StoreError::Database(sqlx::Error::Encode(
                format!("api_documents.operations: {e}").into(),
            ))
        })?;
        let mut tx = self.begin_write().await?;
        let version: i64 = sqlx::query(
            "insert into api_documents (product_id, version, file_name, openapi_version, title, \
               api_version, operations, source, digest, size_bytes, uploaded_at, uploaded_by) \
             select p.id, 1, $2, $3, $4, $5, $6, $7, $11, $8, $9, $10 from api_products p where p.id = $1 \
             on conflict (product_id) do update set version = api_documents.version + 1, \
               file_name = excluded.file_name, openapi_version = excluded.openapi_version, \
               title = excluded.title, api_version = excluded.api_version, \
               operations = excluded.operations, source = excluded.source, digest = excluded.digest, \
               size_bytes = excluded.size_bytes, uploaded_at = excluded.uploaded_at, \
               uploaded_by = excluded.uploaded_by \
             returning version",
        )
        .bind(product_id)
        .bind(document.file_name)
        .bind(document.openapi_version)
        .bind(document.title)
        .bind(document.api_version)
        .bind(&operations)
        .bind(document.source)
        .bind(document.source.len() as i64)
        .bind(by.now)
        .bind(by.actor)
        .bind(document.digest)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::ForeignKey => StoreError::NotFound,
            other => other,
        })?
        .ok_or(StoreError::NotFound)?
        .try_get("version")?;
        tx.audit(
            by,
            "product.documentation_uploaded",
            Subject::Product(product_id),
            document.file_name,
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Removes the product's documentation; `NotFound` when it has none.
    pub async fn remove_document(&self, product_id: &str, by: By<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let file_name: String =
            sqlx::query("delete from api_documents where product_id = $1 returning file_name")
                .bind(product_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
                .try_get("file_name")?;
        tx.audit(
            by,
            "product.documentation_removed",
            Subject::Product(product_id),
            &file_name,
        )
        .await?;
        tx.commit().await
    }

    /// What was uploaded for the product, without the document itself.
    pub async fn document_info(&self, product_id: &str) -> StoreResult<Option<DocumentInfo>> {
        sqlx::query(&format!(
            "select {INFO_COLUMNS} from api_documents where product_id = $1"
        ))
        .bind(product_id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(info)
        .transpose()
    }

    /// The document: what was uploaded, its digest, and its text unless its digest is `cached`
    /// (the caller holds that rendering already: then the text is not read).
    pub async fn document_source(
        &self,
        product_id: &str,
        cached: Option<&str>,
    ) -> StoreResult<Option<(DocumentInfo, String, Option<String>)>> {
        let Some(row) = sqlx::query(&format!(
            "select {INFO_COLUMNS}, digest, case when digest = $2 then null else source end as source \
             from api_documents where product_id = $1"
        ))
        .bind(product_id)
        .bind(cached.unwrap_or_default())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            info(&row)?,
            row.try_get("digest")?,
            row.try_get("source")?,
        )))
    }
}
