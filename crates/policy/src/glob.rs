//! IAM's wildcards: `*` any run of characters, `?` any one character. No allocation: the
//! evaluator matches millions of patterns a second.

/// In a pattern, a `*` or `?` that a policy variable (`${*}`, `${?}`) made literal.
pub const LITERAL_STAR: char = '\u{E000}';
pub const LITERAL_QUESTION: char = '\u{E001}';

/// The pattern's literal `*` or `?` at `at`, if one starts there.
fn literal_at(p: &[u8], at: usize) -> Option<u8> {
    match p.get(at..at + 3)? {
        [0xee, 0x80, 0x80] => Some(b'*'),
        [0xee, 0x80, 0x81] => Some(b'?'),
        _ => None,
    }
}

/// A pattern's text with its literal wildcards written as the characters they stand for.
pub fn unescaped(pattern: &str) -> std::borrow::Cow<'_, str> {
    if pattern.contains([LITERAL_STAR, LITERAL_QUESTION]) {
        pattern
            .replace(LITERAL_STAR, "*")
            .replace(LITERAL_QUESTION, "?")
            .into()
    } else {
        pattern.into()
    }
}

/// Whether `text` matches `pattern`; `fold` compares ASCII letters case-insensitively.
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| a == b || (fold && a.eq_ignore_ascii_case(&b));
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and where in the text it is currently taken to end.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if literal_at(p, pi) == Some(t[ti]) {
            pi += 3;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'?' {
            pi += 1;
            ti += char_len(t[ti]);
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && eq(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            let next = st + char_len(t[st]);
            pi = sp + 1;
            ti = next;
            star = Some((sp, next));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// Bytes of the UTF-8 character that starts with `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// ARN matching as the `ArnLike`/`ArnEquals` condition operators do it: the six
/// colon-separated parts are matched one by one (the last takes any further colons), so a
/// wildcard never spans a colon.
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let mut p = pattern.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(ps), Some(at)) => {
                if !glob(ps, at, false) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The `Resource` element's matching: wildcards stay within their colon-separated part, except
/// a `*` that ends a part, which may reach across the colons after it (as the IAM User Guide
/// documents). Case-sensitive.
pub fn resource_like(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.contains(['*', '?', LITERAL_STAR, LITERAL_QUESTION]) {
        return pattern == arn;
    }
    resource_like_bytes(pattern.as_bytes(), arn.as_bytes())
}

fn resource_like_bytes(p: &[u8], t: &[u8]) -> bool {
    if let Some(c) = literal_at(p, 0) {
        return t.first() == Some(&c) && resource_like_bytes(&p[3..], &t[1..]);
    }
    match p.first() {
        None => t.is_empty(),
        Some(b'*') => {
            let crosses = p.len() == 1 || p[1] == b':';
            for taken in 0..=t.len() {
                if taken > 0 && !crosses && t[taken - 1] == b':' {
                    break;
                }
                if resource_like_bytes(&p[1..], &t[taken..]) {
                    return true;
                }
            }
            false
        }
        Some(b'?') => match t.first() {
            Some(b':') | None => false,
            Some(&lead) => resource_like_bytes(&p[1..], &t[char_len(lead).min(t.len())..]),
        },
        Some(c) => t.first() == Some(c) && resource_like_bytes(&p[1..], &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("ec2:Describe*", "ec2:describesubnets", true));
        assert!(!glob("ec2:Describe*", "ec2:describesubnets", false));
        assert!(glob("*", "", false));
        assert!(glob("*", "anything", true));
        assert!(glob("s?s:*", "sts:AssumeRole", true));
        assert!(!glob("ec2:Describe*", "ec2:CreateVpc", true));
        assert!(!glob("Abc", "abc", false));
        assert!(glob("a*b*c", "aXXbYYc", false));
        assert!(!glob("a*b*c", "aXXbYY", false));
        assert!(glob("*?", "é", false));
        assert!(glob("caf?", "café", false));
        assert!(!glob("caf??", "café", false));
        assert!(glob("**a", "bba", false));
    }

    #[test]
    fn resources_match_part_by_part_but_a_part_ending_in_a_star_reaches_on() {
        let sg = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1";
        assert!(resource_like("arn:aws:ec2:*:*:security-group/*", sg));
        assert!(resource_like("arn:aws:ec2:*:security-group/*", sg));
        assert!(resource_like("arn:aws:ec2:*", sg));
        assert!(!resource_like("arn:aws:ec2:us*1:security-group/sg-1", sg));
        assert!(!resource_like("arn:aws:ec2:us-east-?:*:subnet/*", sg));
        assert!(resource_like(
            "arn:aws:ec2:us-east-?:*:security-group/sg-?",
            sg
        ));
        assert!(!resource_like(
            "arn:aws:ec2:us-east-1:111111111111:Security-Group/sg-1",
            sg
        ));
        assert!(resource_like(sg, sg));
    }

    #[test]
    fn arns_match_part_by_part() {
        let sg = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1";
        assert!(arn_like("arn:aws:ec2:*:*:security-group/*", sg));
        assert!(arn_like("arn:aws:ec2:us-east-?:111111111111:*", sg));
        assert!(!arn_like("arn:aws:ec2:*:222222222222:*", sg));
        // A wildcard does not reach across a colon.
        assert!(!arn_like("arn:aws:ec2:*:security-group/*", sg));
        assert!(arn_like("*", sg));
        assert!(arn_like(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111111111111:role/a/b"
        ));
        assert!(!arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::1:user/x"));
    }
}
