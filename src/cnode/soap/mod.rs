//! SOAP 1.1 on the wire, sans-IO: bytes in, a [`Call`] out; a [`Reply`] or [`Fault`] in,
//! bytes out. Nothing here knows what a task is.

mod encoding;
mod message;
mod parse;
mod references;
mod scan;
mod write;

pub use message::{Call, Element, Fault, FaultCode, Reply, Value};
pub use parse::{parse_call, parse_call_in_full, parse_call_with_charset, ParseLimits};
pub use scan::scan_call;
pub use write::{escape_attribute, escape_text, write_fault, write_reply};

pub const SOAP11_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The application namespace: the literal string `ns1` (cnode-api.md §1).
pub const APP_NS: &str = "ns1";
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";
