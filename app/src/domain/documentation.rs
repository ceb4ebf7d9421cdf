//! An API product's "Documentation" (SPEC §9) as the pages show it: what was uploaded, the
//! operations it describes (the product page's table of contents) and the rendered reference.

use serde::{Deserialize, Serialize};

/// The largest document accepted (SPEC §9), in megabytes and in bytes.
pub const MAX_DOCUMENT_MB: usize = 2;
pub const MAX_DOCUMENT_BYTES: usize = MAX_DOCUMENT_MB * 1024 * 1024;

/// The form field the document is uploaded in, and the one its messages are shown under.
pub const DOCUMENT_FIELD: &str = "document";

/// One operation of the reference, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationLink {
    /// The operation's first tag, or "Other operations".
    pub tag: String,
    /// "GET", "POST"…
    pub method: String,
    pub path: String,
    pub summary: String,
    /// Its anchor on the reference page (`op-listPets`).
    pub anchor: String,
}

/// What an admin sees of a product's uploaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub file_name: String,
    /// "3.0.0", "3.1.0"…
    pub openapi_version: String,
    pub title: String,
    pub api_version: String,
    pub size_bytes: i64,
    /// Counts the uploads of this product's documents: 1 for the first, and so on.
    pub version: i64,
    pub uploaded_at: i64,
    pub operations: Vec<OperationLink>,
}

impl DocumentInfo {
    /// The operations grouped by tag, in reference order.
    pub fn by_tag(&self) -> Vec<(String, Vec<OperationLink>)> {
        let mut groups: Vec<(String, Vec<OperationLink>)> = Vec::new();
        for op in &self.operations {
            match groups.last_mut() {
                Some((tag, ops)) if *tag == op.tag => ops.push(op.clone()),
                _ => groups.push((op.tag.clone(), vec![op.clone()])),
            }
        }
        groups
    }
}

/// `/catalog/{product}/reference`: the product's names and its reference as sanitized HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencePage {
    pub name: String,
    pub display_name: String,
    pub document: DocumentInfo,
    pub html: String,
}

/// "1.4 MB", "380 KB": a size as people read it.
pub fn size_text(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
