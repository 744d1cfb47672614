//! Tags on any EC2 resource.

use super::*;

pub(super) fn create_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateTagsRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let command = Command::CreateTags {
        resources: input.resources,
        tags: tags_in(input.tags)?,
    };
    s.mutate(ctx, command, |_, _| ())
}

pub(super) fn delete_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteTagsRequest,
) -> Result<(), ApiError> {
    dry_run(input.dry_run)?;
    let tags = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            Ok((
                t.key.ok_or_else(|| err(cloud::Error::missing("Tag.Key")))?,
                t.value,
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let command = Command::DeleteTags {
        resources: input.resources,
        tags,
    };
    s.mutate(ctx, command, |_, _| ())
}

pub(super) fn describe_tags(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeTagsRequest,
) -> Result<w::DescribeTagsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (5, 1000))?;
    s.query(ctx, |c, who| {
        let (tags, next) = c.describe_tags(who, &filters, &page)?;
        Ok(w::DescribeTagsResult {
            tags: Some(
                tags.into_iter()
                    .map(|t| w::TagDescription {
                        key: Some(t.tag.key.clone()),
                        value: Some(t.tag.value.clone()),
                        resource_id: Some(t.resource_id.to_string()),
                        resource_type: Some(t.resource_type.to_string()),
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}

// ------------------------------------------------------------------------- interfaces
