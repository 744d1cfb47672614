//! Regions and Availability Zones. Every account sees the same zone names and zone ids.

/// The commercial Regions ramparts answers for, with their zone counts.
pub const REGIONS: &[(&str, usize)] = &[
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-1", 2),
    ("us-west-2", 4),
    ("ca-central-1", 3),
    ("eu-west-1", 3),
    ("eu-west-2", 3),
    ("eu-west-3", 3),
    ("eu-central-1", 3),
    ("eu-north-1", 3),
    ("ap-south-1", 3),
    ("ap-northeast-1", 3),
    ("ap-northeast-2", 4),
    ("ap-southeast-1", 3),
    ("ap-southeast-2", 3),
    ("sa-east-1", 3),
];

pub fn is_known(region: &str) -> bool {
    REGIONS.iter().any(|(r, _)| *r == region)
}

fn zone_count(region: &str) -> usize {
    REGIONS
        .iter()
        .find(|(r, _)| *r == region)
        .map_or(3, |(_, n)| *n)
}

/// `us-east-1` → `use1`, `ap-northeast-2` → `apne2`: the prefix of zone ids.
pub fn short_code(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let mut out = parts.first().copied().unwrap_or_default().to_string();
    for p in &parts[1..] {
        let abbr = match *p {
            "east" => "e",
            "west" => "w",
            "north" => "n",
            "south" => "s",
            "central" => "c",
            "northeast" => "ne",
            "northwest" => "nw",
            "southeast" => "se",
            "southwest" => "sw",
            other => other,
        };
        out.push_str(abbr);
    }
    out
}

/// (zone name, zone id) pairs of a Region, in order.
pub fn zones(region: &str) -> Vec<(String, String)> {
    let code = short_code(region);
    (0..zone_count(region))
        .map(|i| {
            let letter = (b'a' + i as u8) as char;
            (format!("{region}{letter}"), format!("{code}-az{}", i + 1))
        })
        .collect()
}

/// Resolve a zone by name or id within the Region.
pub fn zone(region: &str, name: Option<&str>, id: Option<&str>) -> Option<(String, String)> {
    zones(region)
        .into_iter()
        .find(|(n, i)| name.is_none_or(|x| x == n) && id.is_none_or(|x| x == i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids_follow_aws_naming() {
        assert_eq!(short_code("us-east-1"), "use1");
        assert_eq!(short_code("ap-northeast-2"), "apne2");
        assert_eq!(
            zones("us-east-1")[0],
            ("us-east-1a".into(), "use1-az1".into())
        );
        assert_eq!(
            zone("eu-west-1", None, Some("euw1-az2")).unwrap().0,
            "eu-west-1b"
        );
        assert!(zone("eu-west-1", Some("us-east-1a"), None).is_none());
    }
}
