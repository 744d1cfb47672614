//! Which service a request is for, how its body decodes, how answers and errors are framed.

use api::{Ctx, Services};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::borrow::Cow;
use wire::rt::{JsonRequest, QueryRequest};
use wire::{ApiError, QueryNode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ec2,
    Iam,
    Sts,
    Ram,
    Organizations,
    Unknown,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Ec2 => "ec2",
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Ram => "ram",
            Service::Organizations => "organizations",
            Service::Unknown => "unknown",
        }
    }

    fn from_signing_name(name: &str) -> Option<Service> {
        Some(match name {
            "ec2" => Service::Ec2,
            "iam" => Service::Iam,
            "sts" => Service::Sts,
            "ram" => Service::Ram,
            "organizations" => Service::Organizations,
            _ => return None,
        })
    }

    fn from_version(version: &str) -> Option<Service> {
        Some(match version {
            v if v == wire::ec2::API_VERSION => Service::Ec2,
            v if v == wire::iam::API_VERSION => Service::Iam,
            v if v == wire::sts::API_VERSION => Service::Sts,
            _ => return None,
        })
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn ram_route(method: &Method, path: &str) -> Option<&'static str> {
    wire::ram::ROUTES
        .iter()
        .find(|(m, p, _)| *p == path && *m == method.as_str())
        .map(|(_, _, op)| *op)
}

fn form_value<'a>(body: &'a [u8], key: &str) -> Option<Cow<'a, str>> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Route order: Organizations' target header, RAM's paths, the SigV4 signing name, then the
/// form's `Version`.
pub fn guess(method: &Method, uri: &Uri, headers: &HeaderMap, body: Option<&Bytes>) -> Service {
    if header(headers, "x-amz-target")
        .is_some_and(|t| t.starts_with(wire::organizations::TARGET_PREFIX))
    {
        return Service::Organizations;
    }
    if ram_route(method, uri.path()).is_some() {
        return Service::Ram;
    }
    let signed = header(headers, "authorization")
        .and_then(|a| auth::parse_authorization(a).ok())
        .and_then(|c| Service::from_signing_name(&c.service));
    if let Some(s) = signed {
        return s;
    }
    let version = body
        .and_then(|b| form_value(b, "Version").map(Cow::into_owned))
        .or_else(|| {
            uri.query()
                .and_then(|q| form_value(q.as_bytes(), "Version").map(Cow::into_owned))
        });
    version
        .and_then(|v| Service::from_version(&v))
        .unwrap_or(Service::Unknown)
}

pub enum Payload {
    Query(QueryNode),
    Json {
        body: Value,
        query: Vec<(String, String)>,
    },
}

pub struct Request {
    pub operation: String,
    pub payload: Payload,
}

fn unknown_operation(service: Service, op: &str) -> ApiError {
    match service {
        Service::Ram | Service::Organizations | Service::Unknown => ApiError::new(
            "UnknownOperationException",
            400,
            format!("The operation {op} is not known."),
        ),
        _ => ApiError::new(
            "InvalidAction",
            400,
            format!("The action {op} is not valid for this web service."),
        ),
    }
}

pub fn decode(
    service: Service,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Request, ApiError> {
    match service {
        Service::Ec2 | Service::Iam | Service::Sts => {
            // botocore POSTs a form; older tools put the same parameters in the query string.
            let source: &[u8] = if body.is_empty() {
                uri.query().unwrap_or_default().as_bytes()
            } else {
                body
            };
            let params = QueryNode::from_pairs(form_urlencoded::parse(source))
                .map_err(|e| wire::rt::decode_error(service.name(), e))?;
            let operation = params
                .get("Action")
                .and_then(|n| n.value.clone())
                .ok_or_else(|| {
                    ApiError::new(
                        "MissingAction",
                        400,
                        "The request must contain the parameter Action",
                    )
                })?;
            Ok(Request {
                operation,
                payload: Payload::Query(params),
            })
        }
        Service::Organizations => {
            let target = header(headers, "x-amz-target").unwrap_or_default();
            let operation = target
                .strip_prefix(wire::organizations::TARGET_PREFIX)
                .and_then(|t| t.strip_prefix('.'))
                .unwrap_or_default()
                .to_string();
            Ok(Request {
                operation,
                payload: Payload::Json {
                    body: json_body(body)?,
                    query: vec![],
                },
            })
        }
        Service::Ram => {
            let operation = ram_route(method, uri.path())
                .ok_or_else(|| unknown_operation(service, uri.path()))?
                .to_string();
            let query = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            Ok(Request {
                operation,
                payload: Payload::Json {
                    body: json_body(body)?,
                    query,
                },
            })
        }
        Service::Unknown => Err(unknown_operation(service, uri.path())),
    }
}

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            "SerializationException",
            400,
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    if !v.is_object() {
        return Err(ApiError::new(
            "SerializationException",
            400,
            "The request body must be a JSON object.",
        ));
    }
    Ok(v)
}

/// The caller's SigV4 scope, from the header or a presigned query.
pub fn credential(
    service: Service,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<auth::Credential, ApiError> {
    let parsed = match header(headers, "authorization") {
        Some(h) => auth::parse_authorization(h),
        None => {
            let q: Vec<(String, String)> =
                form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
            let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
            match get("X-Amz-Credential") {
                Some(c) => auth::scope(
                    c,
                    get("X-Amz-SignedHeaders").unwrap_or("host"),
                    get("X-Amz-Signature").unwrap_or_default(),
                ),
                None => Err(auth::AuthError::Missing),
            }
        }
    };
    parsed.map_err(|e| auth_error(service, e))
}

/// The session token that comes with temporary credentials, from a header or a presigned query.
pub fn session_token(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    if let Some(t) = header(headers, "x-amz-security-token") {
        return Some(t.to_string());
    }
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "X-Amz-Security-Token")
        .map(|(_, v)| v.into_owned())
}

/// Whether the request was signed with this secret.
pub fn signed_with(
    credential: &auth::Credential,
    secret: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> bool {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    credential.verify(
        secret,
        &auth::SignedRequest {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or_default(),
            headers: &pairs,
            body,
        },
    )
}

/// A refused credential in each service's own words (spec §1.2).
pub fn credential_error(service: Service, e: ApiError) -> ApiError {
    let (code, status) = match (service, e.code.as_ref()) {
        (Service::Ec2, "SignatureDoesNotMatch" | "InvalidClientTokenId") => ("AuthFailure", 401),
        (Service::Ram | Service::Organizations, "SignatureDoesNotMatch") => {
            ("InvalidSignatureException", 403)
        }
        (Service::Ram | Service::Organizations, "InvalidClientTokenId") => {
            ("UnrecognizedClientException", 403)
        }
        _ => return e,
    };
    ApiError::new(code, status, e.message)
}

fn auth_error(service: Service, e: auth::AuthError) -> ApiError {
    use auth::AuthError::*;
    match (service, e) {
        (Service::Ec2, Missing) => ApiError::new(
            "AuthFailure",
            401,
            "AWS was not able to validate the provided access credentials",
        ),
        (Service::Ec2, Malformed(m)) => ApiError::new("AuthFailure", 401, m),
        (Service::Iam | Service::Sts, Missing) => ApiError::new(
            "MissingAuthenticationToken",
            403,
            "Request is missing Authentication Token",
        ),
        (Service::Iam | Service::Sts, Malformed(m)) => ApiError::new("IncompleteSignature", 400, m),
        (_, Missing) => ApiError::new(
            "MissingAuthenticationTokenException",
            403,
            "Request is missing Authentication Token",
        ),
        (_, Malformed(m)) => ApiError::new("IncompleteSignatureException", 400, m),
    }
}

pub fn dispatch(
    services: &Services,
    ctx: &mut Ctx,
    service: Service,
    request: &Request,
    request_id: &str,
) -> Result<String, ApiError> {
    let op = request.operation.as_str();
    let answer = match &request.payload {
        Payload::Query(params) => {
            let req = QueryRequest { params, request_id };
            match service {
                Service::Ec2 => wire::ec2::dispatch(services, ctx, op, &req),
                Service::Iam => wire::iam::dispatch(services, ctx, op, &req),
                _ => wire::sts::dispatch(services, ctx, op, &req),
            }
        }
        Payload::Json { body, query } => {
            let req = JsonRequest {
                body,
                query,
                request_id,
            };
            match service {
                Service::Ram => wire::ram::dispatch(services, ctx, op, &req),
                _ => wire::organizations::dispatch(services, ctx, op, &req),
            }
        }
    };
    answer.unwrap_or_else(|| Err(not_modelled(service, op)))
}

/// An operation outside the allow-list: not implemented if the service has it, else unknown.
fn not_modelled(service: Service, op: &str) -> ApiError {
    let known = match service {
        Service::Ec2 => wire::ec2::UNMODELLED,
        Service::Iam => wire::iam::UNMODELLED,
        Service::Sts => wire::sts::UNMODELLED,
        Service::Ram => wire::ram::UNMODELLED,
        Service::Organizations => wire::organizations::UNMODELLED,
        Service::Unknown => &[],
    };
    if known.contains(&op) {
        ApiError::not_implemented(service.name(), op)
    } else {
        unknown_operation(service, op)
    }
}

fn content_type(service: Service) -> &'static str {
    match service {
        Service::Ec2 | Service::Iam | Service::Sts => "text/xml;charset=UTF-8",
        Service::Organizations => "application/x-amz-json-1.1",
        Service::Ram | Service::Unknown => "application/json",
    }
}

fn framed(service: Service, status: u16, body: String, request_id: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static(content_type(service)),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    r
}

pub fn success_response(service: Service, body: String, request_id: &str) -> Response {
    framed(service, 200, body, request_id)
}

pub fn error_response(service: Service, e: &ApiError, request_id: &str) -> Response {
    let body = match service {
        Service::Ec2 => wire::rt::ec2_error(e, request_id),
        Service::Iam => wire::rt::query_error(e, wire::iam::XML_NAMESPACE, request_id),
        Service::Sts => wire::rt::query_error(e, wire::sts::XML_NAMESPACE, request_id),
        Service::Organizations => wire::rt::json_error(e, true),
        Service::Ram | Service::Unknown => wire::rt::json_error(e, false),
    };
    let mut r = framed(service, e.status, body, request_id);
    if matches!(
        service,
        Service::Ram | Service::Organizations | Service::Unknown
    ) {
        if let Ok(v) = HeaderValue::from_str(&e.code) {
            r.headers_mut().insert("x-amzn-errortype", v);
        }
    }
    r
}
