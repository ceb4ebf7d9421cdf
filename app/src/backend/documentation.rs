//! An API product's "Documentation" between the server functions and the store (SPEC §9): an
//! upload is checked before anything is stored, and the reference a viewer reads goes through the
//! catalog's one visibility rule, rendered once per document text.

use super::AppState;
use super::auth::internal;
use super::catalog::viewer_of;
use super::db::{By, NewDocument, StoreError};
use super::openapi;
use crate::domain::CurrentUser;
use crate::domain::documentation::{DOCUMENT_FIELD, ReferencePage};
use crate::error::AppError;
use std::sync::Arc;

/// The longest file name kept (the rest is cut).
const FILE_NAME_MAX_CHARS: usize = 255;

/// "Upload" on a product's "Documentation": checks `bytes` and stores it; a broken document is a
/// message under the field and nothing is stored.
pub async fn upload(
    state: &AppState,
    product_id: &str,
    file_name: &str,
    bytes: Vec<u8>,
    by: By<'_>,
) -> Result<(), AppError> {
    // Parsing 2 MB of YAML and hashing it take tens of milliseconds: off the threads that serve
    // requests.
    let (source, checked, digest) = tokio::task::spawn_blocking(move || {
        openapi::check(&bytes).map(|(source, checked)| {
            let digest = openapi::digest(&source);
            (source, checked, digest)
        })
    })
    .await
    .map_err(internal)?
    .map_err(|message| AppError::validation(DOCUMENT_FIELD, message))?;
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX_CHARS)
        .collect::<String>();
    let file_name = if file_name.is_empty() {
        "openapi".to_owned()
    } else {
        file_name
    };
    let document = NewDocument {
        digest: &digest,
        file_name: &file_name,
        openapi_version: &checked.openapi_version,
        title: &checked.title,
        api_version: &checked.api_version,
        operations: &checked.operations,
        source: &source,
    };
    state.store.put_document(product_id, &document, by).await?;
    Ok(())
}

/// "Remove documentation"; done already when the product has none. `NotFound` when there is no
/// such product.
pub async fn remove(state: &AppState, product_id: &str, by: By<'_>) -> Result<(), AppError> {
    state
        .store
        .product(product_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let removed = state.store.remove_document(product_id, by).await;
    state.references.forget(product_id);
    match removed {
        Ok(()) | Err(StoreError::NotFound) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

/// `/catalog/{name}/reference`: the product's rendered reference, or `NotFound` when `user` may
/// not see the product (exactly as for one that does not exist) or it has no documentation.
pub async fn reference_for(
    state: &AppState,
    user: Option<&CurrentUser>,
    name: &str,
) -> Result<ReferencePage, AppError> {
    let (product, _) = state
        .store
        .catalog_product(viewer_of(user), name)
        .await?
        .ok_or(AppError::NotFound)?;
    let held = state.references.current(&product.id);
    let (document, digest, source) = state
        .store
        .document_source(
            &product.id,
            held.as_ref().map(|(digest, _)| digest.as_str()),
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let html = match (source, held) {
        // The rendering held is of this very text.
        (None, Some((_, html))) => html,
        (Some(source), _) => {
            let html: Arc<str> = tokio::task::spawn_blocking(move || openapi::render(&source))
                .await
                .map_err(internal)?
                .map_err(internal)?
                .into();
            state.references.put(&product.id, &digest, html.clone());
            html
        }
        (None, None) => return Err(internal("the store held back a document's text")),
    };
    Ok(ReferencePage {
        name: product.name,
        display_name: product.display_name,
        document,
        html: html.to_string(),
    })
}
