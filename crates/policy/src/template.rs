//! Strings with policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
//! `${*}`), compiled once when the policy is read and filled in from each request's context.

use crate::context::Context;
use crate::glob::{LITERAL_QUESTION, LITERAL_STAR};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var {
        /// Lowercased, as the context keeps keys.
        key: String,
        default: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    raw: String,
    /// None when the string has no variables (or the policy's version has none).
    parts: Option<Vec<Part>>,
}

impl Template {
    /// A string taken as it is: policies of version 2008-10-17 (or none) have no variables.
    pub fn literal(raw: &str) -> Template {
        Template {
            raw: raw.to_string(),
            parts: None,
        }
    }

    /// Compile `${…}` references; an unclosed `${` is text.
    pub fn parse(raw: &str) -> Result<Template, String> {
        if !raw.contains("${") {
            return Ok(Template::literal(raw));
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            text.push_str(&rest[..start]);
            let inner = rest[start + 2..start + len].trim();
            rest = &rest[start + len + 1..];
            match inner {
                "*" => text.push(LITERAL_STAR),
                "?" => text.push(LITERAL_QUESTION),
                "$" => text.push('$'),
                _ => {
                    let (key, default) = match inner.split_once(',') {
                        None => (inner, None),
                        Some((key, default)) => {
                            let default = default.trim();
                            let quoted = default
                                .strip_prefix('\'')
                                .and_then(|d| d.strip_suffix('\''))
                                .ok_or_else(|| {
                                    format!(
                                        "The default value of policy variable ${{{inner}}} must be quoted with single quotes"
                                    )
                                })?;
                            (key.trim(), Some(quoted.to_string()))
                        }
                    };
                    if key.is_empty() || key.contains(char::is_whitespace) {
                        return Err(format!("Invalid policy variable ${{{inner}}}"));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Var {
                        key: key.to_ascii_lowercase(),
                        default,
                    });
                }
            }
        }
        text.push_str(rest);
        if !parts.iter().any(|p| matches!(p, Part::Var { .. })) {
            // Only escapes: a literal with them resolved.
            parts.push(Part::Text(text));
            let resolved = parts
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) => t,
                    Part::Var { .. } => unreachable!("no variables here"),
                })
                .collect();
            return Ok(Template {
                raw: resolved,
                parts: None,
            });
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            raw: raw.to_string(),
            parts: Some(parts),
        })
    }

    /// As written in the policy (escapes resolved when there are no variables).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    pub fn has_variables(&self) -> bool {
        self.parts.is_some()
    }

    /// The string for this request; None when a variable has no value and no default (the
    /// value then matches nothing).
    pub fn resolve<'a>(
        &'a self,
        context: &Context,
        missing: &mut Vec<String>,
    ) -> Option<Cow<'a, str>> {
        let Some(parts) = &self.parts else {
            return Some(Cow::Borrowed(&self.raw));
        };
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var { key, default } => match (context.first(key), default) {
                    (Some(v), _) => out.push_str(v),
                    (None, Some(d)) => out.push_str(d),
                    (None, None) => {
                        if !missing.contains(key) {
                            missing.push(key.clone());
                        }
                        return None;
                    }
                },
            }
        }
        Some(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(t: &str, ctx: &Context) -> Option<String> {
        Template::parse(t)
            .unwrap()
            .resolve(ctx, &mut Vec::new())
            .map(|c| c.into_owned())
    }

    #[test]
    fn variables_are_filled_from_the_context() {
        let ctx = Context::new()
            .with("aws:username", "alice")
            .with("aws:PrincipalTag/team", "red");
        assert_eq!(
            fill("arn:aws:iam::1:user/${aws:username}", &ctx).unwrap(),
            "arn:aws:iam::1:user/alice"
        );
        assert_eq!(
            fill("${aws:principaltag/TEAM}-${aws:username}", &ctx).unwrap(),
            "red-alice"
        );
        assert_eq!(fill("${aws:userid}", &ctx), None);
        assert_eq!(fill("${aws:userid, 'nobody'}", &ctx).unwrap(), "nobody");
        assert_eq!(
            crate::glob::unescaped(&fill("a${*}b${?}c${$}", &ctx).unwrap()),
            "a*b?c$"
        );
        assert_eq!(
            fill("plain ${ unclosed", &ctx).unwrap(),
            "plain ${ unclosed"
        );
        assert!(Template::parse("${aws:username, nobody}").is_err());
    }
}
