//! An API product's "Documentation" (SPEC §9): an OpenAPI 3.0 or 3.1 document, checked when it is
//! uploaded and rendered on the server as a reference.
//!
//! Checking: the text is read as JSON or YAML (a syntax error names its line and column), then
//! against the model of its OpenAPI version (openapiv3 for 3.0, oas3 for 3.1; a wrong field names
//! its line and its place in the document), and every `$ref` must point inside the document to
//! something that exists: external references are refused, because Portico never fetches a URL
//! on a document's say-so.
//!
//! Rendering reads the document as JSON values, so one renderer serves both versions. Operations
//! are grouped by tag, each with an anchor; schemas are trees of their fields. A referenced schema
//! is drawn once in "Schemas" and linked from where it is used, expanded one level in a request or
//! response, and every tree has a budget of rows: a document that references itself or repeats a
//! large schema everywhere cannot make the page grow beyond a bounded multiple of its size.

use super::mail::escape_html as esc;
use crate::domain::documentation::{MAX_DOCUMENT_BYTES, MAX_DOCUMENT_MB, OperationLink, size_text};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// The rows one schema tree may draw before it links to the rest.
const TREE_ROWS: usize = 120;
/// How deep inline schemas are drawn before the rest is left out.
const TREE_DEPTH: usize = 8;
/// The hops a chain of references may take (`A` → `B` → `C` …) before it is called a loop.
const MAX_REF_HOPS: usize = 32;

/// What the check learned of an accepted document.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// "3.0.3", "3.1.0"…
    pub openapi_version: String,
    /// `info.title` and `info.version`.
    pub title: String,
    pub api_version: String,
    /// Its operations in reference order, for the product page's table of contents.
    pub operations: Vec<OperationLink>,
}

/// The document's syntax, guessed from its first character: JSON starts with `{`; anything else
/// is read as YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

impl Syntax {
    fn of(text: &str) -> Self {
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Self::Json
        } else {
            Self::Yaml
        }
    }

    /// The document as JSON values; a syntax error says where. YAML aliases are expanded within
    /// a budget ([`Bounded`]), so a small document cannot stand for billions of values.
    fn values(self, text: &str) -> Result<Value, String> {
        let budget = Budget::default();
        match self {
            Self::Json => {
                let mut de = serde_json::Deserializer::from_str(text);
                Bounded(&budget)
                    .deserialize(&mut de)
                    .and_then(|value| de.end().map(|()| value))
                    .map_err(|e| at_line(e.line(), e.column(), &e.to_string(), None))
            }
            Self::Yaml => Bounded(&budget)
                .deserialize(yaml_serde::Deserializer::from_str(text))
                .map_err(|e| yaml_error(&e, None)),
        }
    }

    /// Reads the document as `T` (a version's model); a wrong field names its line and place.
    fn conforms<T: DeserializeOwned>(self, text: &str) -> Result<(), String> {
        match self {
            Self::Json => {
                let mut de = serde_json::Deserializer::from_str(text);
                serde_path_to_error::deserialize::<_, T>(&mut de)
                    .map(drop)
                    .map_err(|e| {
                        let place = e.path().to_string();
                        let inner = e.inner();
                        at_line(
                            inner.line(),
                            inner.column(),
                            &inner.to_string(),
                            Some(&place),
                        )
                    })
            }
            Self::Yaml => {
                let de = yaml_serde::Deserializer::from_str(text);
                serde_path_to_error::deserialize::<_, T>(de)
                    .map(drop)
                    .map_err(|e| yaml_error(e.inner(), Some(&e.path().to_string())))
            }
        }
    }
}

/// How many values, and how many bytes of text, a document may stand for once its YAML aliases are
/// expanded: about what the largest document holds written out, with room to spare.
const MAX_VALUES: usize = 2_000_000;
const MAX_TEXT_BYTES: usize = 8 * MAX_DOCUMENT_BYTES;

/// What reading a document has spent of [`MAX_VALUES`] and [`MAX_TEXT_BYTES`].
#[derive(Default)]
struct Budget {
    values: Cell<usize>,
    text: Cell<usize>,
}

impl Budget {
    fn spend<E: de::Error>(&self, text: usize) -> Result<(), E> {
        let (values, text) = (self.values.get() + 1, self.text.get() + text);
        if values > MAX_VALUES || text > MAX_TEXT_BYTES {
            return Err(E::custom(
                "the document stands for more than Portico reads: YAML aliases repeat too much of it",
            ));
        }
        self.values.set(values);
        self.text.set(text);
        Ok(())
    }
}

/// Reads any value as JSON values do, counting each against a [`Budget`].
#[derive(Clone, Copy)]
struct Bounded<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.spend(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.spend(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.spend(key.len())?;
            let value = map.next_value_seed(self)?;
            fields.insert(key, value);
        }
        Ok(Value::Object(fields))
    }
}

/// "Line 4, column 7: reason (at paths./pets.get)", without the position the parser also put at
/// the end of its message.
fn at_line(line: usize, column: usize, message: &str, place: Option<&str>) -> String {
    let mut text = format!(
        "Line {line}, column {column}: {}",
        without_position(message)
    );
    if let Some(place) = place.filter(|p| !p.is_empty() && *p != ".") {
        let _ = write!(text, " (at {place})");
    }
    text
}

/// `message` without the " at line 4 column 10" a parser writes into it.
fn without_position(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after_line = &rest[digits(rest)..];
    let Some(column) = after_line.strip_prefix(" column ") else {
        return message.to_owned();
    };
    format!("{}{}", &message[..start], &column[digits(column)..])
}

fn yaml_error(error: &yaml_serde::Error, place: Option<&str>) -> String {
    match error.location() {
        Some(l) => at_line(l.line(), l.column(), &error.to_string(), place),
        None => {
            let mut text = error.to_string();
            if let Some(place) = place.filter(|p| !p.is_empty() && *p != ".") {
                let _ = write!(text, " (at {place})");
            }
            text
        }
    }
}

/// The message for a document of `size` bytes, over the limit.
pub fn too_large(size: usize) -> String {
    format!(
        "The document is {}; it may be at most {MAX_DOCUMENT_MB} MB.",
        size_text(size)
    )
}

/// Checks an uploaded document; the message says what is wrong and where.
pub fn check(bytes: &[u8]) -> Result<(String, Checked), String> {
    if bytes.is_empty() {
        return Err("Choose an OpenAPI document (JSON or YAML) to upload.".to_owned());
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "The document is not UTF-8 text (byte {} is not).",
            e.valid_up_to() + 1
        )
    })?;
    if let Some(at) = text.find('\0') {
        return Err(format!(
            "The document holds a NUL character (byte {}): it is not a text document.",
            at + 1
        ));
    }
    let syntax = Syntax::of(text);
    let root = syntax.values(text)?;
    let Some(fields) = root.as_object() else {
        return Err("This is not an OpenAPI document: it is not a mapping of fields.".to_owned());
    };
    let version = match fields.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        _ if fields.contains_key("swagger") => {
            return Err(
                "Swagger 2.0 documents are not supported: convert it to OpenAPI 3.0 or 3.1 first."
                    .to_owned(),
            );
        }
        _ => {
            return Err(
                "This is not an OpenAPI document: it has no \"openapi\" version field.".to_owned(),
            );
        }
    };
    if version.starts_with("3.0.") {
        syntax.conforms::<openapiv3::OpenAPI>(text)?;
    } else if version.starts_with("3.1.") {
        syntax.conforms::<oas3::Spec>(text)?;
    } else {
        return Err(format!(
            "OpenAPI {version} is not supported: upload an OpenAPI 3.0 or 3.1 document."
        ));
    }
    check_references(&root)?;
    let info = fields.get("info");
    let text_of = |key: &str| {
        line_of(
            info.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default(),
            200,
        )
    };
    let operations = Reference::new(&root).operation_links();
    Ok((
        text.to_owned(),
        Checked {
            openapi_version: version,
            title: text_of("title"),
            api_version: text_of("version"),
            operations,
        },
    ))
}

/// `text` as one line of at most `max` characters, without control characters (Postgres stores
/// no NUL, and a title is shown on one line).
fn line_of(text: &str, max: usize) -> String {
    let mut line: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(max + 1)
        .collect();
    if line.chars().count() > max {
        line = line.chars().take(max).collect::<String>() + "…";
    }
    line
}

/// The document's values again, for rendering a stored (so already checked) document.
pub fn values(source: &str) -> Result<Value, String> {
    Syntax::of(source).values(source)
}

// --- References ----------------------------------------------------------------------------------

/// Fields whose values are data, not OpenAPI structure: a `$ref` inside an example is text.
fn is_data_field(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Fields whose keys are names chosen by the author (a property may be called "default").
fn names_its_keys(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "$defs"
            | "definitions"
            | "schemas"
            | "responses"
            | "parameters"
            | "requestBodies"
            | "headers"
            | "securitySchemes"
            | "links"
            | "callbacks"
            | "pathItems"
            | "paths"
            | "webhooks"
            | "content"
            | "encoding"
            | "variables"
            | "dependentSchemas"
    )
}

/// What the keys of an object in the document are, as the reference check walks it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// OpenAPI's own fields (a Schema, an Operation…): `$ref` is a reference here.
    Fields,
    /// Names the author chose (`properties`, `responses`…): a property may be called "$ref".
    Names,
    /// The names of an `examples` map, whose values are Example Objects.
    ExampleNames,
    /// An Example Object: its `value` is data.
    Example,
}

/// Every `$ref` in the document's structure points inside it, to something that exists.
fn check_references(root: &Value) -> Result<(), String> {
    // (value, its place as a JSON pointer, what its keys are)
    let mut pending: Vec<(&Value, String, Keys)> = vec![(root, String::new(), Keys::Fields)];
    while let Some((node, place, keys)) = pending.pop() {
        match node {
            Value::Object(fields) => {
                if matches!(keys, Keys::Fields | Keys::Example)
                    && let Some(Value::String(target)) = fields.get("$ref")
                {
                    resolve_pointer(root, target).map_err(|why| {
                        format!(
                            "{why} (at #{}).",
                            if place.is_empty() { "/" } else { &place }
                        )
                    })?;
                }
                for (key, value) in fields {
                    if !value.is_object() && !value.is_array() {
                        continue;
                    }
                    let child = match keys {
                        Keys::Names => Keys::Fields,
                        Keys::ExampleNames => Keys::Example,
                        Keys::Example if key == "value" || is_data_field(key) => continue,
                        Keys::Fields if is_data_field(key) => continue,
                        Keys::Fields | Keys::Example if key == "examples" => match value {
                            // A schema's examples (3.1) are data; a media type's are named.
                            Value::Array(_) => continue,
                            _ => Keys::ExampleNames,
                        },
                        Keys::Fields | Keys::Example if names_its_keys(key) => Keys::Names,
                        Keys::Fields | Keys::Example => Keys::Fields,
                    };
                    pending.push((value, format!("{place}/{}", pointer_escape(key)), child));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        pending.push((item, format!("{place}/{i}"), Keys::Fields));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The value `target` ("#/components/schemas/Pet") names in `root`.
fn resolve_pointer<'a>(root: &'a Value, target: &str) -> Result<&'a Value, String> {
    let Some(fragment) = target.strip_prefix('#') else {
        return Err(format!(
            "The reference \"{target}\" points outside the document: Portico reads references inside the document only, so include what it names under \"components\""
        ));
    };
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    if !decoded.is_empty() && !decoded.starts_with('/') {
        return Err(format!(
            "The reference \"{target}\" is not a JSON pointer such as \"#/components/schemas/Pet\""
        ));
    }
    root.pointer(&decoded)
        .ok_or_else(|| format!("The reference \"{target}\" points to nothing in the document"))
}

// --- Rendering -----------------------------------------------------------------------------------

/// A description: Markdown (CommonMark, sanitized) when it uses any, else one escaped paragraph,
/// which is most descriptions and much cheaper.
fn description(out: &mut String, text: Option<&str>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    if full(out) {
        return;
    }
    let plain = !text.contains([
        '*', '_', '`', '[', ']', '<', '>', '#', '!', '|', '~', '&', '\n', '\\',
    ]);
    if plain {
        let _ = write!(out, "<p>{}</p>", esc(text));
    } else {
        let _ = write!(
            out,
            "<div class=\"markdown\">{}</div>",
            super::catalog::render_markdown(text)
        );
    }
}

/// The most HTML one reference draws. A document that references a large part of itself from
/// everywhere could otherwise stand for far more: the reference stops there, and says so.
const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// Whether `out` holds as much as a reference may.
fn full(out: &str) -> bool {
    out.len() > MAX_HTML_BYTES
}

/// An anchor from a name: letters (of any script), digits, `-`, `_` and `.`, the rest as `-`.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation found in `paths`, in document order.
struct Operation<'a> {
    method: &'static str,
    path: &'a str,
    item: &'a Map<String, Value>,
    op: &'a Map<String, Value>,
    anchor: String,
}

/// Hands out anchors: `base`, then `base-2`, `base-3`… for names that slug alike.
#[derive(Default)]
struct Anchors {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Anchors {
    fn take(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// A document being rendered.
struct Reference<'a> {
    root: &'a Value,
    /// Component schemas by `$ref` target: their names and anchors, for links.
    schema_names: HashMap<String, (String, String)>,
}

impl<'a> Reference<'a> {
    fn new(root: &'a Value) -> Self {
        let mut anchors = Anchors::default();
        let schema_names = root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .keys()
                    .map(|name| {
                        (
                            format!("#/components/schemas/{}", pointer_escape(name)),
                            (name.clone(), anchors.take(format!("schema-{}", slug(name)))),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { root, schema_names }
    }

    /// `value` with its references followed (a loop or a dangling one gives `None`).
    fn resolve(&self, value: &'a Value) -> Option<&'a Value> {
        let mut current = value;
        for _ in 0..MAX_REF_HOPS {
            match current.get("$ref").and_then(Value::as_str) {
                Some(target) => current = resolve_pointer(self.root, target).ok()?,
                None => return Some(current),
            }
        }
        None
    }

    fn operations(&self) -> Vec<Operation<'a>> {
        let mut anchors = Anchors::default();
        let mut found = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return found;
        };
        for (path, item) in paths {
            let Some(item) = self.resolve(item).and_then(Value::as_object) else {
                continue;
            };
            for method in METHODS {
                let Some(op) = item.get(method).and_then(Value::as_object) else {
                    continue;
                };
                let base = match op.get("operationId").and_then(Value::as_str) {
                    Some(id) if !id.is_empty() => format!("op-{}", slug(id)),
                    _ => format!("op-{method}-{}", slug(path.trim_matches('/'))),
                };
                let anchor = anchors.take(base);
                found.push(Operation {
                    method,
                    path,
                    item,
                    op,
                    anchor,
                });
            }
        }
        found
    }

    /// Tags in the order the document lists them, then in order of first use; untagged
    /// operations last, under "Other operations".
    fn grouped(&self) -> Vec<(String, Option<&'a Value>, Vec<Operation<'a>>)> {
        let declared: Vec<(&str, &Value)> = self
            .root
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| Some((t.get("name")?.as_str()?, t)))
                    .collect()
            })
            .unwrap_or_default();
        let mut groups: Vec<(String, Option<&'a Value>, Vec<Operation<'a>>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut untagged = Vec::new();
        for (name, tag) in &declared {
            if !index.contains_key(*name) {
                index.insert((*name).to_owned(), groups.len());
                groups.push(((*name).to_owned(), Some(*tag), Vec::new()));
            }
        }
        for operation in self.operations() {
            let tag = operation
                .op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str);
            match tag {
                None => untagged.push(operation),
                Some(tag) => match index.get(tag) {
                    Some(&i) => groups[i].2.push(operation),
                    None => {
                        index.insert(tag.to_owned(), groups.len());
                        groups.push((tag.to_owned(), None, vec![operation]));
                    }
                },
            }
        }
        groups.retain(|(_, _, ops)| !ops.is_empty());
        if !untagged.is_empty() {
            groups.push(("Other operations".to_owned(), None, untagged));
        }
        groups
    }

    fn operation_links(&self) -> Vec<OperationLink> {
        self.grouped()
            .into_iter()
            .flat_map(|(tag, _, ops)| {
                ops.into_iter().map(move |op| OperationLink {
                    tag: line_of(&tag, 100),
                    method: op.method.to_uppercase(),
                    path: line_of(op.path, 500),
                    summary: line_of(
                        op.op
                            .get("summary")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                        200,
                    ),
                    anchor: op.anchor,
                })
            })
            .collect()
    }

    /// The whole reference as HTML.
    fn render(&self) -> String {
        let mut out = String::with_capacity(64 * 1024);
        out.push_str("<div class=\"reference\">");
        if let Some(info) = self.root.get("info") {
            let text = |key: &str| info.get(key).and_then(Value::as_str).unwrap_or_default();
            let _ = write!(
                out,
                "<p class=\"reference-title\"><strong>{}</strong> <span class=\"reference-version\">{}</span></p>",
                esc(text("title")),
                esc(text("version"))
            );
            description(&mut out, info.get("description").and_then(Value::as_str));
        }
        if let Some(servers) = self.root.get("servers").and_then(Value::as_array)
            && !servers.is_empty()
        {
            out.push_str("<h3>Servers</h3><ul class=\"reference-servers\">");
            for server in servers {
                let url = server
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let _ = write!(out, "<li><code>{}</code>", esc(url));
                if let Some(d) = server.get("description").and_then(Value::as_str) {
                    let _ = write!(out, " {}", esc(d));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        let groups = self.grouped();
        if groups.is_empty() {
            out.push_str("<p class=\"empty\">This document describes no operations.</p>");
        }
        let mut anchors = Anchors::default();
        for (tag, declared, ops) in &groups {
            if full(&out) {
                break;
            }
            let _ = write!(
                out,
                "<section class=\"reference-tag\" id=\"{}\"><h3>{}</h3>",
                esc(&anchors.take(format!("tag-{}", slug(tag)))),
                esc(tag)
            );
            description(
                &mut out,
                declared
                    .and_then(|d| d.get("description"))
                    .and_then(Value::as_str),
            );
            for op in ops {
                if full(&out) {
                    break;
                }
                self.operation(&mut out, op);
            }
            out.push_str("</section>");
        }
        self.schemas(&mut out);
        if full(&out) {
            let _ = write!(
                out,
                "<p class=\"notice\" role=\"status\">The reference stops here: drawn whole, this document would make a page of more than {} MB.</p>",
                MAX_HTML_BYTES / (1024 * 1024)
            );
        }
        out.push_str("</div>");
        out
    }

    fn operation(&self, out: &mut String, op: &Operation<'a>) {
        let _ = write!(
            out,
            "<article class=\"operation\" id=\"{}\"><h4><span class=\"method method-{}\">{}</span> <code>{}</code>",
            esc(&op.anchor),
            op.method,
            op.method.to_uppercase(),
            esc(op.path)
        );
        if op.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
            out.push_str(" <span class=\"deprecated\">Deprecated</span>");
        }
        out.push_str("</h4>");
        if let Some(summary) = op.op.get("summary").and_then(Value::as_str) {
            let _ = write!(out, "<p class=\"summary\">{}</p>", esc(summary));
        }
        description(out, op.op.get("description").and_then(Value::as_str));
        self.parameters(out, op);
        if let Some(body) = op.op.get("requestBody").and_then(|b| self.resolve(b)) {
            out.push_str("<h5>Request body");
            if body.get("required").and_then(Value::as_bool) == Some(true) {
                out.push_str(" <span class=\"required\">required</span>");
            }
            out.push_str("</h5>");
            description(out, body.get("description").and_then(Value::as_str));
            self.content(out, body.get("content"));
        }
        if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
            out.push_str("<h5>Responses</h5><dl class=\"responses\">");
            for (status, response) in responses {
                if full(out) {
                    break;
                }
                let _ = write!(out, "<dt><code>{}</code></dt><dd>", esc(status));
                if let Some(response) = self.resolve(response) {
                    description(out, response.get("description").and_then(Value::as_str));
                    if let Some(headers) = response.get("headers").and_then(Value::as_object)
                        && !headers.is_empty()
                    {
                        out.push_str("<p>Headers:</p><ul class=\"schema\">");
                        let mut budget = TREE_ROWS;
                        for (name, header) in headers {
                            if full(out) {
                                break;
                            }
                            let header = self.resolve(header);
                            let schema = header.and_then(|h| h.get("schema"));
                            self.row(out, name, schema, false, 1, &mut budget);
                        }
                        out.push_str("</ul>");
                    }
                    self.content(out, response.get("content"));
                }
                out.push_str("</dd>");
            }
            out.push_str("</dl>");
        }
        out.push_str("</article>");
    }

    fn parameters(&self, out: &mut String, op: &Operation<'a>) {
        // Path-level parameters apply unless the operation redefines the same name and place.
        let mut all: Vec<&Value> = Vec::new();
        let listed = |m: &'a Map<String, Value>| {
            m.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| self.resolve(p))
        };
        let own: Vec<&Value> = listed(op.op).collect();
        let key = |p: &'a Value| {
            (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            )
        };
        let redefined: HashSet<(Option<&str>, Option<&str>)> = own.iter().map(|p| key(p)).collect();
        for shared in listed(op.item) {
            if !redefined.contains(&key(shared)) {
                all.push(shared);
            }
        }
        all.extend(own);
        if all.is_empty() {
            return;
        }
        out.push_str("<h5>Parameters</h5><table class=\"data parameters\"><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>");
        for p in all {
            if full(out) {
                break;
            }
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let _ = write!(out, "<tr><td><code>{}</code>", esc(name));
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                out.push_str(" <span class=\"required\">required</span>");
            }
            let _ = write!(out, "</td><td>{}</td><td>", esc(place));
            if let Some(schema) = p.get("schema").and_then(|s| self.resolve(s)) {
                out.push_str(&esc(&type_text(schema)));
                let facts = constraints(schema);
                if !facts.is_empty() {
                    let _ = write!(out, " <span class=\"constraints\">{}</span>", esc(&facts));
                }
            }
            out.push_str("</td><td>");
            description(out, p.get("description").and_then(Value::as_str));
            out.push_str("</td></tr>");
        }
        out.push_str("</tbody></table>");
    }

    /// A request's or response's media types, each with its schema as a tree.
    fn content(&self, out: &mut String, content: Option<&'a Value>) {
        let Some(content) = content.and_then(Value::as_object) else {
            return;
        };
        for (media_type, media) in content {
            if full(out) {
                break;
            }
            let _ = write!(
                out,
                "<div class=\"media\"><p><code>{}</code></p>",
                esc(media_type)
            );
            if let Some(schema) = media.get("schema") {
                let mut budget = TREE_ROWS;
                out.push_str("<ul class=\"schema\">");
                self.tree(out, schema, 0, true, &mut budget);
                out.push_str("</ul>");
            }
            out.push_str("</div>");
        }
    }

    /// The name of a component schema `$ref` names, with a link to it.
    fn schema_link(&self, schema: &Value) -> Option<String> {
        let target = schema.get("$ref")?.as_str()?;
        let target = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
        let (name, anchor) = self.schema_names.get(target.as_ref())?;
        Some(format!("<a href=\"#{}\">{}</a>", esc(anchor), esc(name)))
    }

    /// The rows of a schema's fields. `expand_ref`: draw a referenced schema's own fields here
    /// (once, at the top of a request or response); deeper references are links.
    fn tree(
        &self,
        out: &mut String,
        schema: &'a Value,
        depth: usize,
        expand_ref: bool,
        budget: &mut usize,
    ) {
        if let Some(link) = self.schema_link(schema) {
            let _ = write!(out, "<li class=\"schema-ref\">{link}");
            if expand_ref && let Some(target) = self.resolve(schema) {
                let _ = write!(
                    out,
                    " <span class=\"type\">{}</span>",
                    esc(&type_text(target))
                );
                out.push_str("<ul class=\"schema\">");
                self.fields(out, target, depth + 1, budget);
                out.push_str("</ul>");
            }
            out.push_str("</li>");
            return;
        }
        let Some(schema) = self.resolve(schema) else {
            out.push_str("<li>(a reference that loops)</li>");
            return;
        };
        let _ = write!(
            out,
            "<li><span class=\"type\">{}</span>",
            esc(&type_text(schema))
        );
        out.push_str("<ul class=\"schema\">");
        self.fields(out, schema, depth + 1, budget);
        out.push_str("</ul></li>");
    }

    /// A schema's properties, array items and compositions as rows.
    fn fields(&self, out: &mut String, schema: &'a Value, depth: usize, budget: &mut usize) {
        self.fields_except(out, schema, depth, budget, false, false);
    }

    /// [`Self::fields`], leaving out the description or the items when they were drawn already.
    fn fields_except(
        &self,
        out: &mut String,
        schema: &'a Value,
        depth: usize,
        budget: &mut usize,
        skip_description: bool,
        skip_items: bool,
    ) {
        if depth > TREE_DEPTH {
            out.push_str("<li class=\"more\">…</li>");
            return;
        }
        if !skip_description
            && let Some(text) = schema.get("description").and_then(Value::as_str)
            && !text.trim().is_empty()
        {
            out.push_str("<li class=\"note\">");
            description(out, Some(text));
            out.push_str("</li>");
        }
        if let Some(items) = schema.get("items").filter(|_| !skip_items) {
            self.row(out, "items", Some(items), false, depth, budget);
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            let required: HashSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, property) in properties {
                if full(out) {
                    return;
                }
                if *budget == 0 {
                    out.push_str("<li class=\"more\">… more fields</li>");
                    return;
                }
                self.row(
                    out,
                    name,
                    Some(property),
                    required.contains(name.as_str()),
                    depth,
                    budget,
                );
            }
        }
        if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            self.row(out, "(any name)", Some(extra), false, depth, budget);
        }
        for (key, label) in [
            ("allOf", "All of"),
            ("oneOf", "One of"),
            ("anyOf", "Any of"),
        ] {
            if let Some(parts) = schema.get(key).and_then(Value::as_array) {
                let _ = write!(
                    out,
                    "<li class=\"composition\">{label}:<ul class=\"schema\">"
                );
                for part in parts {
                    if *budget == 0 || full(out) {
                        break;
                    }
                    *budget -= 1;
                    self.tree(out, part, depth, false, budget);
                }
                out.push_str("</ul></li>");
            }
        }
    }

    /// One field: its name, type, "required", constraints and description, then its own fields.
    fn row(
        &self,
        out: &mut String,
        name: &str,
        schema: Option<&'a Value>,
        required: bool,
        depth: usize,
        budget: &mut usize,
    ) {
        if full(out) {
            return;
        }
        *budget = budget.saturating_sub(1);
        let _ = write!(out, "<li><code>{}</code> ", esc(name));
        let Some(schema) = schema else {
            out.push_str("</li>");
            return;
        };
        if let Some(link) = self.schema_link(schema) {
            let target = self.resolve(schema);
            let _ = write!(
                out,
                "<span class=\"type\">{}</span> {link}",
                esc(&target.map(type_text).unwrap_or_default())
            );
            if required {
                out.push_str(" <span class=\"required\">required</span>");
            }
            out.push_str("</li>");
            return;
        }
        let Some(schema) = self.resolve(schema) else {
            out.push_str("(a reference that loops)</li>");
            return;
        };
        let _ = write!(
            out,
            "<span class=\"type\">{}</span>",
            esc(&type_text(schema))
        );
        // An array of a named schema links to it.
        if let Some(link) = schema.get("items").and_then(|i| self.schema_link(i)) {
            let _ = write!(out, " of {link}");
        }
        if required {
            out.push_str(" <span class=\"required\">required</span>");
        }
        let facts = constraints(schema);
        if !facts.is_empty() {
            let _ = write!(out, " <span class=\"constraints\">{}</span>", esc(&facts));
        }
        description(out, schema.get("description").and_then(Value::as_str));
        let nested = schema.get("properties").is_some()
            || schema
                .get("items")
                .is_some_and(|i| self.schema_link(i).is_none() && has_fields(i))
            || ["allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| schema.get(*k).is_some());
        if nested && *budget > 0 {
            out.push_str("<ul class=\"schema\">");
            // The description was drawn above, and items that are a named schema are linked.
            let skip_items = schema
                .get("items")
                .is_some_and(|i| self.schema_link(i).is_some());
            self.fields_except(out, schema, depth + 1, budget, true, skip_items);
            out.push_str("</ul>");
        }
        out.push_str("</li>");
    }

    /// "Schemas": every component schema with its fields; references inside are links.
    fn schemas(&self, out: &mut String) {
        let Some(schemas) = self
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        if schemas.is_empty() {
            return;
        }
        out.push_str("<section class=\"reference-schemas\" id=\"schemas\"><h3>Schemas</h3>");
        for (name, schema) in schemas {
            if full(out) {
                break;
            }
            let anchor = self
                .schema_names
                .get(&format!("#/components/schemas/{}", pointer_escape(name)))
                .map(|(_, anchor)| anchor.clone())
                .unwrap_or_default();
            let _ = write!(
                out,
                "<article class=\"schema-definition\" id=\"{}\"><h4>{}</h4>",
                esc(&anchor),
                esc(name)
            );
            if let Some(schema) = self.resolve(schema) {
                let _ = write!(
                    out,
                    "<p><span class=\"type\">{}</span></p><ul class=\"schema\">",
                    esc(&type_text(schema))
                );
                let mut budget = TREE_ROWS * 4;
                self.fields(out, schema, 1, &mut budget);
                out.push_str("</ul>");
            }
            out.push_str("</article>");
        }
        out.push_str("</section>");
    }
}

/// Whether a schema has fields to draw under it.
fn has_fields(schema: &Value) -> bool {
    ["properties", "items", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| schema.get(*k).is_some())
}

/// "string (date-time)", "integer | null", "array", "object"…
fn type_text(schema: &Value) -> String {
    let mut text = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ if schema.get("properties").is_some() => "object".to_owned(),
        _ if schema.get("items").is_some() => "array".to_owned(),
        _ => String::new(),
    };
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        let _ = write!(text, " ({format})");
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        text.push_str(" | null");
    }
    text
}

/// "one of: a, b; at most 100; pattern ^x$": a field's limits in words.
fn constraints(schema: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> = values.iter().take(20).map(short_value).collect();
        let more = if values.len() > 20 { ", …" } else { "" };
        parts.push(format!("one of: {}{more}", listed.join(", ")));
    }
    for (key, words) in [
        ("minimum", "at least"),
        ("maximum", "at most"),
        ("minLength", "at least … characters"),
        ("maxLength", "at most … characters"),
        ("minItems", "at least … items"),
        ("maxItems", "at most … items"),
    ] {
        if let Some(n) = schema.get(key).filter(|v| v.is_number()) {
            parts.push(if words.contains('…') {
                words.replace('…', &n.to_string())
            } else {
                format!("{words} {n}")
            });
        }
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        parts.push(format!("pattern {pattern}"));
    }
    if let Some(default) = schema.get("default") {
        parts.push(format!("default {}", short_value(default)));
    }
    parts.join("; ")
}

/// A value in at most 60 characters, written no further than that (a default may be large).
fn short_value(value: &Value) -> String {
    const SHOWN: usize = 60;
    /// Takes what is written until it holds enough, then refuses the rest.
    struct Capped(Vec<u8>);
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = (SHOWN * 4 + 4).saturating_sub(self.0.len());
            if room == 0 {
                return Err(std::io::Error::other("enough"));
            }
            let n = room.min(buf.len());
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let text = match value {
        Value::String(s) => s.chars().take(SHOWN + 1).collect::<String>(),
        other => {
            let mut capped = Capped(Vec::new());
            let _ = serde_json::to_writer(&mut capped, other);
            String::from_utf8_lossy(&capped.0).into_owned()
        }
    };
    if text.chars().count() > SHOWN {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    } else {
        text
    }
}

/// Renders a stored document as reference HTML.
pub fn render(source: &str) -> Result<String, String> {
    let root = values(source)?;
    Ok(Reference::new(&root).render())
}

// --- The cache -------------------------------------------------------------------------------------

/// Rendered references by product, each with the digest (SHA-256) of the document it was
/// rendered from: a rendering is reused only for the very same text, so a replaced, removed or
/// re-uploaded document is never shown from an older rendering. Bounded by total size; when full,
/// the product put longest ago goes first.
#[derive(Clone, Default)]
pub struct ReferenceCache {
    inner: Arc<Mutex<CacheInner>>,
}

#[derive(Default)]
struct CacheInner {
    entries: HashMap<String, (String, Arc<str>)>,
    /// Products in the order they were put, for eviction.
    order: std::collections::VecDeque<String>,
    bytes: usize,
}

/// What the cache may hold in all: at least four of the largest references.
const CACHE_BYTES: usize = 4 * MAX_HTML_BYTES + 1024 * 1024;

impl ReferenceCache {
    /// The rendering held for the product, with its document's digest.
    pub fn current(&self, product_id: &str) -> Option<(String, Arc<str>)> {
        let inner = self.inner.lock().ok()?;
        inner.entries.get(product_id).cloned()
    }

    /// Holds `html` as the rendering of the product's document with `digest`.
    pub fn put(&self, product_id: &str, digest: &str, html: Arc<str>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.bytes += html.len();
        match inner
            .entries
            .insert(product_id.to_owned(), (digest.to_owned(), html))
        {
            Some((_, previous)) => inner.bytes -= previous.len(),
            None => inner.order.push_back(product_id.to_owned()),
        }
        while inner.bytes > CACHE_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, html)) = inner.entries.remove(&oldest) {
                inner.bytes -= html.len();
            }
        }
    }

    /// Lets go of the product's rendering (its documentation was removed).
    pub fn forget(&self, product_id: &str) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some((_, html)) = inner.entries.remove(product_id) {
            inner.bytes -= html.len();
            inner.order.retain(|id| id != product_id);
        }
    }
}

/// The SHA-256 of a document's text, in hex: what a cached rendering is keyed by.
pub fn digest(source: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(source.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> String {
        check(text.as_bytes()).expect_err("refused")
    }

    #[test]
    fn a_syntax_error_names_its_line_and_column_once() {
        assert_eq!(
            refusal("openapi: 3.0.0\ninfo:\n  title: [unclosed\n"),
            "Line 4, column 1: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 10"
        );
        assert_eq!(
            refusal("{\"openapi\": \"3.0.0\",}"),
            "Line 1, column 21: trailing comma"
        );
    }

    #[test]
    fn references_are_checked_where_they_are_references() {
        let document = |extra: &str| {
            format!(
                "openapi: 3.1.0\ninfo: {{title: T, version: \"1\"}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n{extra}"
            )
        };
        // A property named "$ref" and an example holding one are names and data, not references.
        let named = document(
            "        $ref: {type: string}\n        b:\n          type: string\n          example: {$ref: 'https://example.com/x'}\n          examples: [{$ref: '#/nowhere'}]\n",
        );
        assert!(
            check(named.as_bytes()).is_ok(),
            "{:?}",
            check(named.as_bytes())
        );
        let dangling = document("        b: {$ref: '#/components/schemas/B'}\n");
        assert_eq!(
            refusal(&dangling),
            "The reference \"#/components/schemas/B\" points to nothing in the document (at #/components/schemas/A/properties/b)."
        );
        // A pointer's escapes and percent-encoding are followed.
        let escaped = document("        b: {$ref: '#/components/schemas/A%20B~1C'}\n")
            .replace("    A:\n", "    A:\n      title: a\n")
            + "    A B/C: {type: string}\n";
        assert!(
            check(escaped.as_bytes()).is_ok(),
            "{:?}",
            check(escaped.as_bytes())
        );
    }

    #[test]
    fn a_loop_of_references_renders_finitely() {
        let text = "openapi: 3.0.0\ninfo: {title: T, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/R'}\ncomponents:\n  responses:\n    R: {$ref: '#/components/responses/S'}\n    S: {$ref: '#/components/responses/R'}\n";
        let (source, checked) = check(text.as_bytes()).expect("accepted");
        assert_eq!(checked.operations.len(), 1);
        let html = render(&source).expect("rendered");
        assert!(html.contains("id=\"op-get-a\""), "{html}");
    }
}
