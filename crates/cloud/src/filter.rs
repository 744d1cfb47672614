//! EC2 describe filters: values within one filter are alternatives, filters all apply, and
//! values may use `*` and `?` wildcards.

use crate::error::{Error, Result};
use crate::model::Tag;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// Shell-style match where `*` is any run and `?` any one character.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    policy::glob(pattern, text, false)
}

/// The values a resource exposes under one filter name; `None` means the name is not a filter
/// of this resource type.
pub trait Filterable {
    fn filter_values(&self, name: &str) -> Option<Vec<String>>;
    fn tags(&self) -> &[Tag];
}

fn tag_values(tags: &[Tag], name: &str) -> Option<Vec<String>> {
    if let Some(key) = name.strip_prefix("tag:") {
        return Some(
            tags.iter()
                .filter(|t| t.key == key)
                .map(|t| t.value.clone())
                .collect(),
        );
    }
    match name {
        "tag-key" => Some(tags.iter().map(|t| t.key.clone()).collect()),
        "tag-value" => Some(tags.iter().map(|t| t.value.clone()).collect()),
        _ => None,
    }
}

/// Check every filter name once, before any resource is looked at, so an unknown filter is an
/// error even when nothing would match.
pub fn validate(filters: &[Filter], known: &[&str]) -> Result<()> {
    for f in filters {
        let ok = known.contains(&f.name.as_str())
            || f.name.starts_with("tag:")
            || f.name == "tag-key"
            || f.name == "tag-value";
        if !ok {
            return Err(Error::invalid_value(format!(
                "The filter '{}' is invalid",
                f.name
            )));
        }
    }
    Ok(())
}

pub fn matches<R: Filterable + ?Sized>(resource: &R, filters: &[Filter]) -> bool {
    matches_with(resource.tags(), filters, |name| {
        resource.filter_values(name)
    })
}

/// [`matches`] for resources whose filter values need more than the resource itself.
pub fn matches_with(
    tags: &[Tag],
    filters: &[Filter],
    values: impl Fn(&str) -> Option<Vec<String>>,
) -> bool {
    filters.iter().all(|f| {
        let found = tag_values(tags, &f.name)
            .or_else(|| values(&f.name))
            .unwrap_or_default();
        found
            .iter()
            .any(|v| f.values.iter().any(|pattern| wildcard(pattern, v)))
    })
}

/// Exact ids named by a filter without wildcards: lets a describe look ids up instead of
/// scanning everything the caller can see.
pub fn exact_ids<'a>(filters: &'a [Filter], name: &str) -> Option<Vec<&'a str>> {
    let f = filters.iter().find(|f| f.name == name)?;
    if f.values.iter().any(|v| v.contains(['*', '?'])) {
        return None;
    }
    Some(f.values.iter().map(String::as_str).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("sg-*", "sg-123"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "abbc"));
        assert!(wildcard("*b*d", "abcd"));
        assert!(!wildcard("sg-1", "sg-12"));
        assert!(wildcard("web*prod", "web-a-prod"));
    }
}
