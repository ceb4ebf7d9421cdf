//! A small builder for queries whose filters vary: it numbers the `$n` placeholders as it goes.
//!
//! Not sqlx's `QueryBuilder`: over the `Any` driver its `push_bind` writes `?` placeholders
//! (`AnyArguments` keeps the default placeholder), which Postgres does not read, while `$n` is
//! read by SQLite and Postgres alike, and one query text serves both. Values only ever go in as
//! binds; what `push` appends is SQL the code wrote (constants and the `$n` that `bind` returns).

use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// `text` with LIKE's wildcards (`%`, `_`) and its escape character (a backslash) escaped, for a
/// pattern used with an `escape` clause of a backslash: every search matches what was typed,
/// literally.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A case-insensitive "contains" pattern for `lower(column) like $n` with a backslash escape.
pub fn contains_pattern(search: &str) -> String {
    format!("%{}%", escape_like(&search.trim().to_lowercase()))
}

#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    /// A query starting with `text`: SQL written in the code, never a value.
    pub fn new(text: &'static str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends SQL written in the code (a literal or a constant), never a value.
    pub fn push(&mut self, text: &'static str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder, `$n`, for `value`.
    pub fn push_bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        let n = self.binds.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    /// Appends `items`, each written by `each`, separated by `separator`.
    pub fn push_each<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        separator: &'static str,
        mut each: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(separator);
            }
            each(self, item);
        }
        self
    }

    pub fn query(&self) -> Query<'_, sqlx::Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(v) => query.bind(v.clone()),
                Bind::Int(v) => query.bind(*v),
            };
        }
        query
    }
}
