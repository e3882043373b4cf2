//! CNode's HTTP edge: the SOAP endpoint, the WSDL routes, Content-Type (415), fault and
//! HTTP status mapping, the `X-Cnode-Outcome` header, injected faults. Bytes go to `soap/`,
//! calls to `ops/`.

use std::borrow::Cow;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{guard, web, HttpRequest, HttpResponse};

use super::ops::{self, Code, Ctx};
use super::soap::{self, Fault};
use super::status::Status;
use super::wsdl::{self, Flavour};
use crate::faults::Injected;
use crate::http::{dropped_connection, injected, journal, read_body, BodyError};
use crate::metrics::Outcome;
use crate::state::AppState;

/// The header that dictates the path of the task a request creates, e.g.
/// `SEARCHING,FINISHED_ERR_BUYER_LIMITS_EXCEEDED`.
pub const OUTCOME_HEADER: &str = "X-Cnode-Outcome";
/// The same, as a header name made once: looking a `&str` up parses it on every call.
const OUTCOME_HEADER_NAME: header::HeaderName = header::HeaderName::from_static("x-cnode-outcome");

/// CNode's SOAP endpoint at exactly `/`, where nearly every call comes: mounted first, so
/// that a call is not matched against every other door's paths before it (no other door
/// has `/`). A POST elsewhere comes to the same endpoint through `routes`' default service.
pub fn soap_at_root() -> actix_web::Resource {
    web::resource("/")
        // Not `guard::Post()`: a method guard notes its method in the request (for a 405's
        // `Allow`), an allocation per call that no answer here reads.
        .guard(guard::fn_guard(|ctx| ctx.head().method == Method::POST))
        .to(soap_endpoint)
}

/// CNode's other routes; mounted last, since the real node answers a POST at any path.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(root))
        .route("/wsdl", web::get().to(wsdl))
        // The real node has no path: a POST anywhere is a SOAP call.
        .default_service(web::to(fallback));
}

async fn soap_endpoint(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let started = crate::engine::clock::Stopwatch::start();
    let content_type = ContentType::of(&req);
    if let Some(declared) = content_type.not_xml() {
        return fault_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &Fault::client(format!(
                "Content-Type {declared} is not XML: send SOAP 1.1 as text/xml; charset=utf-8"
            )),
        );
    }
    if crate::http::declared_length(&req).is_some_and(|length| length > state.max_body) {
        return body_refused(BodyError::TooLarge, &state);
    }
    let body = match read_body(payload, &state).await {
        Ok(body) => body,
        Err(refused) => return body_refused(refused, &state),
    };
    let fault = |fault: Fault| (StatusCode::INTERNAL_SERVER_ERROR, soap::write_fault(&fault));
    let charset = content_type.charset();
    let parsed = soap::parse_call_with_charset(&body, charset, &state.parse_limits);
    let (status, operation, answer, outcome) = match parsed {
        Err(error) => {
            let (status, answer) = fault(error);
            (status, String::new(), answer, Outcome::Fault)
        }
        Ok(call) => {
            let (status, answer, outcome) =
                match injected(&state, super::DOOR.name, &call.operation).await {
                    Injected::Drop => {
                        let nothing = web::Bytes::new();
                        journal(&state, started, &call.operation, 0, &body, &nothing);
                        let door = super::DOOR.name;
                        state
                            .metrics
                            .call(door, &call.operation, Outcome::Dropped, started);
                        return dropped_connection(soap::CONTENT_TYPE);
                    }
                    Injected::Fault => {
                        let (status, answer) = fault(Fault::server(format!(
                            "a fault injected for {}",
                            call.operation
                        )));
                        (status, answer, Outcome::Fault)
                    }
                    Injected::Error(error) => {
                        let code = Code::injected(error);
                        (
                            StatusCode::OK,
                            soap::write_reply(&call.operation, &ops::error_reply(&call, code)),
                            Outcome::RequestStatus(code.as_str()),
                        )
                    }
                    Injected::Nothing => serve(&req, &call, &state),
                };
            (status, call.operation, answer, outcome)
        }
    };
    let answer = web::Bytes::from(answer);
    journal(&state, started, &operation, status.as_u16(), &body, &answer);
    note_outcome(outcome, &answer);
    state
        .metrics
        .call(super::DOOR.name, &operation, outcome, started);
    xml_response(status, answer)
}

/// The call's log line names its outcome (the one metrics count) and the task it created
/// (read from the answer, and only when that line is written).
fn note_outcome(outcome: Outcome, answer: &[u8]) {
    if !crate::http::request_id::logged() {
        return;
    }
    let task_id = memchr::memmem::find(answer, b"<taskId>").and_then(|at| {
        let start = at + b"<taskId>".len();
        let length = memchr::memchr(b'<', &answer[start..])?;
        Some(String::from_utf8_lossy(&answer[start..start + length]).into_owned())
    });
    let outcome = match outcome {
        Outcome::RequestStatus(status) => status.to_owned(),
        Outcome::Fault => "fault".to_owned(),
        Outcome::Dropped => "dropped".to_owned(),
        Outcome::Http(status) => status.to_string(),
    };
    crate::http::request_id::note(|call| {
        call.outcome = Some(outcome);
        call.task_id = task_id.filter(|id| !id.is_empty());
    });
}

/// One valid call, served: (HTTP status, answer, its outcome for metrics).
fn serve(
    req: &HttpRequest,
    call: &soap::Call,
    state: &AppState,
) -> (StatusCode, Vec<u8>, Outcome<'static>) {
    let fault = |fault: Fault| {
        let answer = soap::write_fault(&fault);
        (StatusCode::INTERNAL_SERVER_ERROR, answer, Outcome::Fault)
    };
    let outcome = match outcome_header(req) {
        Ok(outcome) => outcome,
        Err(error) => return fault(error),
    };
    let ctx = Ctx {
        node: &state.node,
        config: &state.ops,
        outcome,
    };
    match ops::dispatch(&ctx, call) {
        Ok(reply) => {
            // The requestStatus the reply carries, among its few top-level fields.
            let code = reply.fields.iter().find_map(|(name, value)| match value {
                soap::Value::Text(text) if *name == "requestStatus" => Code::named(text),
                _ => None,
            });
            let outcome = code.map_or(Outcome::Http(200), |code| {
                Outcome::RequestStatus(code.as_str())
            });
            let answer = soap::write_reply(&call.operation, &reply);
            (StatusCode::OK, answer, outcome)
        }
        Err(error) => fault(error),
    }
}

/// The path an `X-Cnode-Outcome` header dictates, if sent.
fn outcome_header(req: &HttpRequest) -> Result<Option<Vec<Status>>, Fault> {
    let Some(value) = req.headers().get(OUTCOME_HEADER_NAME) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or_default();
    let path = value
        .split(',')
        .map(|name| {
            Status::parse(name.trim()).ok_or_else(|| {
                Fault::client(format!(
                    "{OUTCOME_HEADER}: \"{}\" is not a task status",
                    name.trim()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(path))
}

async fn root(req: HttpRequest) -> HttpResponse {
    if let Some(flavour) = wsdl_query(req.query_string()) {
        return serve_wsdl(&req, flavour);
    }
    if req.query_string().eq_ignore_ascii_case("xsd=soap-encoding") {
        return HttpResponse::Ok()
            .content_type(soap::CONTENT_TYPE)
            .body(wsdl::SOAP_ENCODING_SCHEMA);
    }
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(concat!(
            "cnode-emulator: a stand-in for Billon's Corporate Node.\n",
            "POST SOAP 1.1 envelopes to this address; the WSDL is at /?wsdl.\n",
        ))
}

/// `GET /wsdl`: the default flavour, or the one `?wsdl=...` names.
async fn wsdl(req: HttpRequest) -> HttpResponse {
    let flavour = wsdl_query(req.query_string()).unwrap_or(Ok(Flavour::Document));
    serve_wsdl(&req, flavour)
}

/// The WSDL, its service address set to the address the client used.
fn serve_wsdl(req: &HttpRequest, flavour: Result<Flavour, String>) -> HttpResponse {
    let flavour = match flavour {
        Ok(flavour) => flavour,
        Err(asked) => {
            return HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body(format!(
                    "No WSDL flavour \"{asked}\": ?wsdl (document/literal wrapped), ?wsdl=rpc (rpc/literal), ?wsdl=encoded (rpc/encoded)\n"
                ))
        }
    };
    let info = req.connection_info();
    let mut address = String::new();
    soap::escape_attribute(
        &mut address,
        &format!("{}://{}/", info.scheme(), info.host()),
    );
    let body = wsdl::template(flavour).replace(wsdl::ADDRESS_PLACEHOLDER, &address);
    HttpResponse::Ok()
        .content_type(soap::CONTENT_TYPE)
        .body(body)
}

/// What CNode answers at a path none of its routes serves (a POST: a SOAP call).
pub async fn fallback(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    if req.method() == Method::POST {
        return soap_endpoint(req, payload, state).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let fault = Fault::client(format!(
            "{} is not served: POST SOAP envelopes, GET /?wsdl for the WSDL",
            req.method()
        ));
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, POST"))
            .content_type(soap::CONTENT_TYPE)
            .body(soap::write_fault(&fault));
    }
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found. POST SOAP envelopes to /; the WSDL is at /?wsdl.\n")
}

/// `None` when the query does not ask for the WSDL; else the flavour asked for, or the
/// value that names none.
fn wsdl_query(query: &str) -> Option<Result<Flavour, String>> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        key.eq_ignore_ascii_case("wsdl")
            .then(|| Flavour::from_query_value(value).ok_or_else(|| value.to_owned()))
    })
}

/// The request's Content-Type header, looked up once and read where it lies: nothing is
/// allocated unless it is not UTF-8 or names something other than XML. It is cut at bytes:
/// `str`'s searches for a `char` cost more than all the rest on a string this short.
#[derive(Clone, Copy)]
struct ContentType<'a>(Option<&'a HeaderValue>);

impl<'a> ContentType<'a> {
    fn of(req: &'a HttpRequest) -> ContentType<'a> {
        ContentType(req.headers().get(header::CONTENT_TYPE))
    }

    /// The declared Content-Type, quoted, when it names something other than XML (`text/xml`,
    /// `application/xml`, `application/soap+xml`, any `+xml`). No Content-Type at all is served.
    fn not_xml(self) -> Option<String> {
        let declared = self.0?.as_bytes();
        let media_type = declared.split(|&b| b == b';').next().unwrap_or_default();
        // Borrowed when it is UTF-8, as it nearly always is (which `from_utf8` tells faster).
        let media_type = std::str::from_utf8(media_type)
            .map_or_else(|_| String::from_utf8_lossy(media_type), Cow::Borrowed);
        let subtype = crate::http::cut(media_type.trim(), b'/').map_or("", |(_, subtype)| subtype);
        let xml = subtype.eq_ignore_ascii_case("xml") || ends_with_ignoring_case(subtype, "+xml");
        (!xml).then(|| format!("\"{}\"", String::from_utf8_lossy(declared).trim()))
    }

    /// The `charset` parameter, when one is given (in a header of visible ASCII, where the
    /// only white space is ASCII's).
    fn charset(self) -> Option<&'a str> {
        crate::http::content_type_parameter(self.0?.to_str().ok()?, "charset")
    }
}

fn ends_with_ignoring_case(text: &str, suffix: &str) -> bool {
    (text.len().checked_sub(suffix.len()))
        .is_some_and(|start| text.as_bytes()[start..].eq_ignore_ascii_case(suffix.as_bytes()))
}

/// A body that could not be read, answered as a fault.
fn body_refused(refused: BodyError, state: &AppState) -> HttpResponse {
    let status = match refused {
        BodyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        BodyError::Timeout => StatusCode::REQUEST_TIMEOUT,
        BodyError::Broken(_) => StatusCode::BAD_REQUEST,
    };
    fault_response(status, &Fault::client(refused.why(state)))
}

fn fault_response(status: StatusCode, fault: &Fault) -> HttpResponse {
    log::debug!("answered a SOAP fault: {fault}");
    xml_response(status, soap::write_fault(fault))
}

fn xml_response(
    status: StatusCode,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    HttpResponse::build(status)
        // Static: given as text, the value would be copied into a new header value each time.
        .content_type(HeaderValue::from_static(soap::CONTENT_TYPE))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::{
        wsdl_query, ContentType, Flavour, HeaderValue, OUTCOME_HEADER, OUTCOME_HEADER_NAME,
    };

    #[test]
    fn the_outcome_header_is_one_name() {
        assert!(OUTCOME_HEADER.eq_ignore_ascii_case(OUTCOME_HEADER_NAME.as_str()));
    }

    #[test]
    fn the_content_type_says_whether_it_is_xml_and_its_charset() {
        let read = |declared: &[u8]| {
            let value = HeaderValue::from_bytes(declared).unwrap();
            let content_type = ContentType(Some(&value));
            (
                content_type.not_xml(),
                content_type.charset().map(str::to_owned),
            )
        };
        let xml = |charset: Option<&str>| (None, charset.map(str::to_owned));
        let not = |quoted: &str, charset: Option<&str>| {
            (Some(quoted.to_owned()), charset.map(str::to_owned))
        };
        assert_eq!(read(b"text/xml; charset=utf-8"), xml(Some("utf-8")));
        assert_eq!(read(b"text/xml;charset=\"UTF-8\""), xml(Some("UTF-8")));
        assert_eq!(read(b" Text/XML "), xml(None));
        let soap = b"application/soap+XML; action=x; CharSet = latin1 ;";
        assert_eq!(read(soap), xml(Some("latin1")));
        assert_eq!(read(b"text/xml; a=1; charset=; b"), xml(Some("")));
        // Not visible ASCII: no charset is read; trimmed as text.
        assert_eq!(read(b"text/xml; charset=utf-8; x=\xc3\xa9"), xml(None));
        assert_eq!(read("text/xml\u{a0}; charset=utf-8".as_bytes()), xml(None));
        assert_eq!(read(b"text/plain"), not("\"text/plain\"", None));
        let no_slash = not("\"xml ; charset=utf-8\"", Some("utf-8"));
        assert_eq!(read(b" xml ; charset=utf-8"), no_slash);
        assert_eq!(read(b"text/xmll"), not("\"text/xmll\"", None));
        assert_eq!(read(b"text/\xffxml"), not("\"text/\u{fffd}xml\"", None));
        assert_eq!(ContentType(None).not_xml(), None);
        assert_eq!(ContentType(None).charset(), None);
    }

    #[test]
    fn the_query_names_the_flavour() {
        assert_eq!(wsdl_query("wsdl"), Some(Ok(Flavour::Document)));
        assert_eq!(wsdl_query("WSDL"), Some(Ok(Flavour::Document)));
        assert_eq!(wsdl_query("x=1&wsdl="), Some(Ok(Flavour::Document)));
        assert_eq!(wsdl_query("wsdl=rpc"), Some(Ok(Flavour::Rpc)));
        assert_eq!(wsdl_query("wsdl=encoded"), Some(Ok(Flavour::Encoded)));
        assert_eq!(wsdl_query("wsdl=xml"), Some(Err("xml".to_owned())));
        assert_eq!(wsdl_query(""), None);
        assert_eq!(wsdl_query("wsdlx"), None);
    }
}
