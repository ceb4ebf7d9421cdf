//! An API product's "Documentation" (SPEC §9): the admin uploads or removes its OpenAPI document;
//! anyone may ask for a product's reference, which the catalog's visibility rule answers.

use crate::domain::documentation::ReferencePage;
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::api::catalog::catalog_viewer;
#[cfg(feature = "ssr")]
use crate::api::http::{require_admin, with_status};
#[cfg(feature = "ssr")]
use crate::backend::{AppState, documentation};

/// The most an upload request may carry: the largest document and room for the form around it.
/// The server gives this route alone a body limit this large.
pub const UPLOAD_BODY_LIMIT_BYTES: usize = 4 * 1024 * 1024;

/// A multipart body that could not be read (cut off, malformed, or over the route's limit).
#[cfg(feature = "ssr")]
fn unreadable(error: impl std::fmt::Display) -> AppError {
    tracing::warn!(%error, "an upload could not be read");
    AppError::BadRequest {
        message: "The upload could not be read. Choose the file again and retry.".to_owned(),
    }
}

/// "Upload document" on a product's page: a multipart form with the product's `id` and the file
/// in `document`. Posted as a plain form (with or without JavaScript), so the browser reloads the
/// product's page, with the message under the field when the document is refused.
#[server(prefix = "/api", endpoint = "upload_documentation", input = MultipartFormData)]
pub async fn upload_documentation(data: MultipartData) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        let mut form = data.into_inner().ok_or_else(|| AppError::BadRequest {
            message: "The upload could not be read.".to_owned(),
        })?;
        let (mut id, mut file_name, mut bytes, mut size) =
            (String::new(), String::new(), Vec::new(), 0usize);
        while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
            match field.name() {
                Some("id") => id = field.text().await.map_err(unreadable)?,
                Some("document") => {
                    file_name = field.file_name().unwrap_or_default().to_owned();
                    // Past the limit the rest is counted, not kept, to say how large it was.
                    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                        size += chunk.len();
                        if size <= crate::domain::documentation::MAX_DOCUMENT_BYTES {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                }
                _ => {}
            }
        }
        if size > crate::domain::documentation::MAX_DOCUMENT_BYTES {
            return Err(AppError::validation(
                crate::domain::documentation::DOCUMENT_FIELD,
                crate::backend::openapi::too_large(size),
            ));
        }
        let id = id.trim().to_owned();
        documentation::upload(&state, &id, &file_name, bytes, state.by(&admin.id)).await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?documented=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// "Remove documentation": consumers then see no reference for the product.
#[server(prefix = "/api", endpoint = "remove_documentation")]
pub async fn remove_documentation(id: String) -> Result<(), AppError> {
    async {
        let admin = require_admin().await?;
        let state = AppState::from_context()?;
        documentation::remove(&state, &id, state.by(&admin.id)).await?;
        leptos_axum::redirect(&format!("/admin/products/{id}?undocumented=1"));
        Ok(())
    }
    .await
    .map_err(with_status)
}

/// `/catalog/{name}/reference`: the product's API reference when the viewer may see the product
/// and it has documentation; 404 otherwise, the same as for a product that does not exist.
#[server(prefix = "/api", endpoint = "api_reference")]
pub async fn api_reference(name: String) -> Result<ReferencePage, AppError> {
    async {
        let viewer = catalog_viewer().await?;
        let state = AppState::from_context()?;
        documentation::reference_for(&state, viewer.as_ref(), &name).await
    }
    .await
    .map_err(with_status)
}
