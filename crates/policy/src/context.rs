//! The request context: condition keys and their values, as a request carries them.

use std::collections::HashMap;

/// Condition keys and values. Key names are case-insensitive (stored lowercased); a key may
/// carry several values (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    keys: HashMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
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
        self.keys.get(lowercase_key).map(Vec::as_slice)
    }

    /// The first value of a key, for policy variables.
    pub fn first(&self, lowercase_key: &str) -> Option<&str> {
        self.get(lowercase_key)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}
