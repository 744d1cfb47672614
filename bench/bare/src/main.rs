//! The physical limit: an HTTP server on the same stack as ramparts (tokio, hyper, axum) that
//! does no work at all. Every request, whatever it asks, gets one fixed body shaped like
//! ramparts' answer to the guide's `describe-security-groups --filters Name=group-id,…`.
//! `bare PORT [GROUPS]` repeats the group GROUPS times (for the describe-all comparison);
//! `bare PORT 0 FILE` answers FILE's bytes instead (a body captured from ramparts, so that both
//! send exactly the same response).

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Router;

const GROUP: &str = "<item><groupId>sg-0123456789abcdef0</groupId><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress><tagSet/><vpcId>vpc-0123456789abcdef0</vpcId><securityGroupArn>arn:aws:ec2:us-east-1:000000000000:security-group/sg-0123456789abcdef0</securityGroupArn><ownerId>000000000000</ownerId><groupName>bench-1</groupName><groupDescription>bench</groupDescription><ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/><ipRanges><item><cidrIp>10.0.0.0/16</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions></item>";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(4599);
    let groups: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let body = match args.next() {
        Some(file) => std::fs::read_to_string(file).expect("a readable body file"),
        None => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>00000000-0000-4000-8000-000000000000</requestId><securityGroupInfo>{}</securityGroupInfo></DescribeSecurityGroupsResponse>",
            GROUP.repeat(groups)
        ),
    };
    let body = Bytes::from(body);
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(CONTENT_TYPE, "text/xml;charset=UTF-8")], body).into_response() }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
