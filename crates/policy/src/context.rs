//! The request context: condition keys and their values, as a request carries them.

use std::collections::HashMap;
use std::sync::Arc;

/// Condition keys and values. Key names are case-insensitive (stored lowercased); a key may
/// carry several values (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`).
///
/// A context may sit over a shared base: its own keys first, then the base's. What is the
/// same for every request of a principal is built once and shared that way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    keys: HashMap<String, Vec<String>>,
    base: Option<Arc<Context>>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// An empty context whose lookups fall through to `base`.
    pub fn over(base: Arc<Context>) -> Context {
        Context {
            keys: HashMap::new(),
            base: Some(base),
        }
    }

    /// Set a single-valued key.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Context {
        self.keys
            .insert(key.to_ascii_lowercase(), vec![value.into()]);
        self
    }

    /// Set a multivalued key (an empty list is a key present with no values).
    pub fn set_all<I, S>(&mut self, key: &str, values: I) -> &mut Context
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys.insert(
            key.to_ascii_lowercase(),
            values.into_iter().map(Into::into).collect(),
        );
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Context {
        self.set(key, value);
        self
    }

    pub fn with_all<I, S>(mut self, key: &str, values: I) -> Context
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set_all(key, values);
        self
    }

    /// The values of a key; `lowercase_key` must already be lowercased.
    pub fn get(&self, lowercase_key: &str) -> Option<&[String]> {
        match self.keys.get(lowercase_key) {
            Some(values) => Some(values.as_slice()),
            None => self.base.as_ref()?.get(lowercase_key),
        }
    }

    /// The first value of a key, for policy variables.
    pub fn first(&self, lowercase_key: &str) -> Option<&str> {
        self.get(lowercase_key)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Every key, its own before its base's (a key set on both shows once, with its own
    /// values).
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &[String])> + '_> {
        let own = self.keys.iter().map(|(k, v)| (k.as_str(), v.as_slice()));
        match &self.base {
            None => Box::new(own),
            Some(base) => {
                Box::new(own.chain(base.iter().filter(|(k, _)| !self.keys.contains_key(*k))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_over_a_base_shadows_and_falls_through() {
        let base = Arc::new(
            Context::new()
                .with("aws:username", "ann")
                .with("aws:SourceIp", "10.0.0.1"),
        );
        let mut top = Context::over(base);
        top.set("aws:SourceIp", "10.0.0.2");
        assert_eq!(top.first("aws:username"), Some("ann"));
        assert_eq!(top.first("aws:sourceip"), Some("10.0.0.2"));
        assert_eq!(top.get("aws:missing"), None);
        let mut keys: Vec<(&str, &[String])> = top.iter().collect();
        keys.sort();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0], ("aws:sourceip", &["10.0.0.2".to_string()][..]));
    }
}
