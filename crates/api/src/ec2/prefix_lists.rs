//! Managed prefix lists and their versioned entries.

use super::*;

pub(super) fn create_managed_prefix_list(
    s: &Services,
    ctx: &mut Ctx,
    input: w::CreateManagedPrefixListRequest,
) -> Result<w::CreateManagedPrefixListResult, ApiError> {
    dry_run(input.dry_run)?;
    let ipv6 = match input.address_family.as_str() {
        "IPv4" => false,
        "IPv6" => true,
        other => {
            return Err(invalid(format!(
                "The address family '{other}' is invalid. Valid values are IPv4 and IPv6."
            )))
        }
    };
    let command = Command::CreateManagedPrefixList(cloud::NewPrefixList {
        name: input.prefix_list_name,
        ipv6,
        max_entries: input.max_entries,
        entries: prefix_entries_in(input.entries)?,
        tags: tag_specs(input.tag_specifications, "prefix-list")?,
        client_token: input.client_token.filter(|t| !t.is_empty()),
    });
    s.mutate(ctx, command, |c, o| w::CreateManagedPrefixListResult {
        prefix_list: Some(prefix_list_out(&c.prefix_lists[outcome_id(o)])),
    })
}

pub(super) fn describe_managed_prefix_lists(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DescribeManagedPrefixListsRequest,
) -> Result<w::DescribeManagedPrefixListsResult, ApiError> {
    dry_run(input.dry_run)?;
    let filters = filters(input.filters)?;
    let page = page(input.max_results, input.next_token, (1, 100))?;
    let ids = input.prefix_list_ids.unwrap_or_default();
    s.query(ctx, |c, who| {
        let (lists, next) = c.describe_prefix_lists(who, &ids, &filters, &page)?;
        Ok(w::DescribeManagedPrefixListsResult {
            prefix_lists: Some(lists.into_iter().map(prefix_list_out).collect()),
            next_token: next,
        })
    })
}

pub(super) fn get_managed_prefix_list_entries(
    s: &Services,
    ctx: &mut Ctx,
    input: w::GetManagedPrefixListEntriesRequest,
) -> Result<w::GetManagedPrefixListEntriesResult, ApiError> {
    dry_run(input.dry_run)?;
    let page = page(input.max_results, input.next_token, (1, 100))?;
    s.query(ctx, |c, who| {
        let (entries, next) =
            c.prefix_list_entries(who, &input.prefix_list_id, input.target_version, &page)?;
        Ok(w::GetManagedPrefixListEntriesResult {
            entries: Some(
                entries
                    .into_iter()
                    .map(|e| w::PrefixListEntry {
                        cidr: Some(e.cidr.to_string()),
                        description: e.description.clone(),
                    })
                    .collect(),
            ),
            next_token: next,
        })
    })
}

pub(super) fn modify_managed_prefix_list(
    s: &Services,
    ctx: &mut Ctx,
    input: w::ModifyManagedPrefixListRequest,
) -> Result<w::ModifyManagedPrefixListResult, ApiError> {
    dry_run(input.dry_run)?;
    let remove = input
        .remove_entries
        .unwrap_or_default()
        .into_iter()
        .map(|r| cloud::prefix_entry_cidr(&r.cidr).map_err(err))
        .collect::<Result<_, _>>()?;
    let change = cloud::PrefixListChange {
        current_version: input.current_version,
        name: input.prefix_list_name,
        add: prefix_entries_in(input.add_entries)?,
        remove,
        max_entries: input.max_entries,
    };
    let command = Command::ModifyManagedPrefixList {
        prefix_list_id: input.prefix_list_id,
        change,
    };
    s.mutate(ctx, command, |c, o| w::ModifyManagedPrefixListResult {
        prefix_list: Some(prefix_list_out(&c.prefix_lists[outcome_id(o)])),
    })
}

pub(super) fn delete_managed_prefix_list(
    s: &Services,
    ctx: &mut Ctx,
    input: w::DeleteManagedPrefixListRequest,
) -> Result<w::DeleteManagedPrefixListResult, ApiError> {
    dry_run(input.dry_run)?;
    // The answer shows the list as it was; after the command it is gone.
    let mut before = s.query(ctx, |c, who| {
        Ok(prefix_list_out(
            c.visible_prefix_list(who, &input.prefix_list_id)?,
        ))
    })?;
    let command = Command::DeleteManagedPrefixList {
        prefix_list_id: input.prefix_list_id,
    };
    s.mutate(ctx, command, |_, _| ())?;
    before.state = owned("delete-in-progress");
    Ok(w::DeleteManagedPrefixListResult {
        prefix_list: Some(before),
    })
}
