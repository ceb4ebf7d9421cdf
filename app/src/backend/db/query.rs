//! A small builder for queries whose filters vary: it numbers the `$n` placeholders as it goes.

use sqlx::any::AnyArguments;
use sqlx::query::Query;

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
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds a placeholder for `value` and returns its `$n` text.
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
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
