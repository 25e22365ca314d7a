//! Reading JSON-LD: the document's @context, nodes by @id, literals with language tags.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::values::{clean, scalar_text};

/// Local name of a key, type or IRI: the part after the last '#', '/' or ':'.
pub(super) fn local(s: &str) -> &str {
    s.trim_end_matches(['/', '#'])
        .rsplit(['#', '/', ':'])
        .next()
        .unwrap_or(s)
}

pub(super) type Node = Map<String, Value>;

/// A literal value with its language tag (if any).
pub(super) struct Lit {
    pub(super) text: String,
    pub(super) lang: Option<String>,
}

/// The document: its (flattened) @context and an index of nodes by @id.
pub(super) struct Doc<'a> {
    /// term → IRI / keyword (only simple top-level contexts are read).
    ctx: HashMap<String, String>,
    index: HashMap<&'a str, &'a Node>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(root: &'a Value) -> Self {
        let mut ctx = HashMap::new();
        if let Some(c) = root.as_object().and_then(|o| o.get("@context")) {
            read_context(c, &mut ctx);
        } else if let Some(arr) = root.as_array() {
            for item in arr {
                if let Some(c) = item.as_object().and_then(|o| o.get("@context")) {
                    read_context(c, &mut ctx);
                }
            }
        }
        let mut doc = Doc {
            ctx,
            index: HashMap::new(),
        };
        doc.index_value(root);
        doc
    }

    /// What a key means: a JSON-LD keyword ("@id", "@type"...) or a local name.
    fn key_meaning<'k>(&'k self, key: &'k str) -> &'k str {
        if key.starts_with('@') {
            return key;
        }
        match self.ctx.get(key) {
            Some(t) if t.starts_with('@') => t,
            Some(t) => local(t),
            None => local(key),
        }
    }

    pub(super) fn keyword<'n>(&self, node: &'n Node, kw: &str) -> Option<&'n Value> {
        node.iter()
            .find(|(k, _)| self.key_meaning(k) == kw)
            .map(|(_, v)| v)
    }

    pub(super) fn id<'n>(&self, node: &'n Node) -> Option<&'n str> {
        self.keyword(node, "@id").and_then(Value::as_str)
    }

    fn types(&self, node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = self.keyword(node, "@type") {
            for v in flatten(t) {
                if let Some(s) = v.as_str() {
                    out.push(local(self.ctx.get(s).map(String::as_str).unwrap_or(s)).to_string());
                }
            }
        }
        out
    }

    pub(super) fn has_type(&self, node: &Node, names: &[&str]) -> bool {
        self.types(node).iter().any(|t| names.contains(&t.as_str()))
    }

    /// Indexes every node with an @id, keeping the most detailed description.
    fn index_value(&mut self, v: &'a Value) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.index_value(x)),
            Value::Object(o) => {
                if let Some(id) = self.id(o) {
                    let detail = o.len();
                    let better = self.index.get(id).is_none_or(|old| old.len() < detail);
                    if better && detail > 1 {
                        self.index.insert(id, o);
                    }
                }
                for (k, x) in o {
                    if k != "@context" {
                        self.index_value(x);
                    }
                }
            }
            _ => {}
        }
    }

    /// All values of the properties whose local name is `name`, arrays flattened.
    pub(super) fn prop<'n>(&self, node: &'n Node, name: &str) -> Vec<&'n Value> {
        node.iter()
            .filter(|(k, _)| !k.starts_with('@') && self.key_meaning(k) == name)
            .flat_map(|(_, v)| flatten(v))
            .collect()
    }

    /// A node value: embedded object, or a reference resolved through the index.
    pub(super) fn node(&self, v: &'a Value) -> Option<&'a Node> {
        let o = v.as_object()?;
        if self.keyword(o, "@value").is_some() {
            return None;
        }
        match self.id(o) {
            Some(id) if o.len() == 1 => Some(self.index.get(id).copied().unwrap_or(o)),
            _ => Some(o),
        }
    }

    /// Literals of a value: strings, {"@value"}, language maps; IRIs with `iris`.
    pub(super) fn lits(&self, v: &Value, iris: bool, out: &mut Vec<Lit>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.lits(x, iris, out)),
            Value::Object(o) => {
                if let Some(val) = self.keyword(o, "@value") {
                    if let Some(text) = scalar_text(val) {
                        let lang = self
                            .keyword(o, "@language")
                            .and_then(Value::as_str)
                            .map(|l| l.to_ascii_lowercase());
                        out.push(Lit { text, lang });
                    }
                } else if let Some(id) = self.id(o) {
                    if iris && !id.starts_with("_:") {
                        if let Some(text) = clean(id) {
                            out.push(Lit { text, lang: None });
                        }
                    }
                } else if !o.is_empty() && o.keys().all(|k| is_lang_tag(k) || k == "@none") {
                    // Language map: {"ko": "...", "en": ["...", ...]}
                    for (lang, x) in o {
                        let mut inner = Vec::new();
                        self.lits(x, false, &mut inner);
                        for l in inner {
                            out.push(Lit {
                                text: l.text,
                                lang: (lang != "@none").then(|| lang.to_ascii_lowercase()),
                            });
                        }
                    }
                }
            }
            other => {
                if let Some(text) = scalar_text(other) {
                    out.push(Lit { text, lang: None });
                }
            }
        }
    }

    pub(super) fn lits_of(&self, node: &Node, name: &str, iris: bool) -> Vec<Lit> {
        let mut out = Vec::new();
        for v in self.prop(node, name) {
            self.lits(v, iris, &mut out);
        }
        out
    }

    /// (Korean-first text, English text) of a property.
    pub(super) fn ko_en(&self, node: &Node, name: &str) -> (Option<String>, Option<String>) {
        let lits = self.lits_of(node, name, false);
        pick_ko_en(&lits)
    }

    /// First literal or IRI of a property.
    pub(super) fn first_text(&self, node: &Node, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| {
            self.lits_of(node, n, true)
                .into_iter()
                .next()
                .map(|l| l.text)
        })
    }

    /// A label for a node-valued property: name/title/label/prefLabel, else the IRI.
    pub(super) fn label_of(&self, v: &'a Value, label_props: &[&str]) -> Option<String> {
        if let Some(n) = self.node(v) {
            for p in label_props {
                if let (Some(ko), _) = self.ko_en(n, p) {
                    return Some(ko);
                }
            }
            return self
                .id(n)
                .filter(|id| !id.starts_with("_:"))
                .and_then(clean);
        }
        let mut lits = Vec::new();
        self.lits(v, true, &mut lits);
        pick_ko_en(&lits).0
    }
}

fn is_lang_tag(k: &str) -> bool {
    let mut parts = k.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn read_context(c: &Value, ctx: &mut HashMap<String, String>) {
    match c {
        Value::Array(a) => a.iter().for_each(|x| read_context(x, ctx)),
        Value::Object(o) => {
            for (term, def) in o {
                let target = match def {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(d) => d.get("@id").and_then(Value::as_str).map(str::to_string),
                    _ => None,
                };
                if let Some(t) = target {
                    ctx.insert(term.clone(), t);
                }
            }
        }
        _ => {}
    }
}

/// Arrays (and @list/@set containers) flattened into their items.
fn flatten(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().flat_map(flatten).collect(),
        Value::Object(o) if o.len() == 1 && (o.contains_key("@list") || o.contains_key("@set")) => {
            o.values().flat_map(flatten).collect()
        }
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

pub(super) fn lang_is(l: &Lit, code: &str) -> bool {
    l.lang
        .as_deref()
        .is_some_and(|t| t == code || t.starts_with(&format!("{code}-")))
}

fn pick_ko_en(lits: &[Lit]) -> (Option<String>, Option<String>) {
    let ko = lits
        .iter()
        .find(|l| lang_is(l, "ko"))
        .or_else(|| lits.iter().find(|l| l.lang.is_none()))
        .or_else(|| lits.first())
        .map(|l| l.text.clone());
    let en = lits
        .iter()
        .find(|l| lang_is(l, "en"))
        .map(|l| l.text.clone());
    (ko, en)
}
