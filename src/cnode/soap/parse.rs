//! Reads a SOAP 1.1 request envelope into a [`Call`], or says precisely why it is not one.
//!
//! Namespace-aware and prefix-blind: `SOAP-ENV`, `soapenv`, `soap` or a default namespace
//! are all the same envelope; the operation is the local name of Body's first element
//! child, whatever its namespace. A DTD is refused outright, so no entity is ever expanded.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

use super::message::{Call, Element, Fault};
use super::{encoding, references};
use super::{SOAP11_ENV, SOAP12_ENV, SOAP_ENC, XSI};

/// Bounds on the operation element, so a hostile body costs little.
#[derive(Clone, Copy, Debug)]
pub struct ParseLimits {
    /// Deepest nesting inside the operation element (the operation itself is depth 1).
    pub max_depth: usize,
    /// Most elements and attributes inside the operation element, all levels together.
    pub max_elements: usize,
}

impl Default for ParseLimits {
    fn default() -> ParseLimits {
        ParseLimits {
            max_depth: 32,
            max_elements: 10_000,
        }
    }
}

pub fn parse_call(body: &[u8], limits: &ParseLimits) -> Result<Call, Fault> {
    parse_call_with_charset(body, None, limits)
}

/// [`parse_call`] for a body whose HTTP `Content-Type` names a `charset` (used when
/// neither a byte order mark nor the XML declaration says what the encoding is). A plain
/// envelope is read by the scanner (`scan.rs`), any other by the full parser.
pub fn parse_call_with_charset(
    body: &[u8],
    http_charset: Option<&str>,
    limits: &ParseLimits,
) -> Result<Call, Fault> {
    match super::scan::scan_call(body, http_charset, limits) {
        Some(call) => Ok(call),
        None => parse_call_in_full(body, http_charset, limits),
    }
}

/// The full parser alone, whatever the envelope: what the scanner must agree with.
pub fn parse_call_in_full(
    body: &[u8],
    http_charset: Option<&str>,
    limits: &ParseLimits,
) -> Result<Call, Fault> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Fault::client(
            "the request body is empty: a SOAP 1.1 Envelope was expected",
        ));
    }
    let text = encoding::decode(body, http_charset)?;
    let mut parser = Parser {
        reader: NsReader::from_str(&text),
        limits: *limits,
        elements: 0,
        references: false,
        encoded: false,
        message_size: text.len(),
    };
    parser.envelope()
}

struct Parser<'i> {
    reader: NsReader<&'i [u8]>,
    limits: ParseLimits,
    elements: usize,
    /// Whether any element so far carries an `href` (multi-reference encoding).
    references: bool,
    /// Whether the Envelope, Body or operation declared SOAP encoding.
    encoded: bool,
    /// The decoded message's length: what following references may copy at most.
    message_size: usize,
}

/// A start tag read from the stream: its resolved namespace and local name.
struct Tag<'i> {
    start: BytesStart<'i>,
    /// Borrowed for the SOAP namespaces, so the envelope's own tags cost no allocation.
    namespace: Option<Cow<'static, str>>,
    local: String,
    empty: bool,
}

enum Next<'i> {
    Open(Tag<'i>),
    Close,
    Text(Cow<'i, str>),
    End,
}

impl<'i> Parser<'i> {
    fn envelope(&mut self) -> Result<Call, Fault> {
        let root = loop {
            match self.next()? {
                Next::Open(tag) => break tag,
                Next::Text(text) if text.trim().is_empty() => continue,
                Next::Text(_) => {
                    return Err(Fault::client("not XML: text found before the root element"))
                }
                Next::Close | Next::End => {
                    return Err(Fault::client("not XML: no root element was found"))
                }
            }
        };
        if root.local != "Envelope" {
            return Err(Fault::client(format!(
                "not a SOAP Envelope: the root element is <{}>",
                root.local
            )));
        }
        match root.namespace.as_deref() {
            Some(SOAP11_ENV) => {}
            Some(SOAP12_ENV) => {
                return Err(Fault::version_mismatch(format!(
                "SOAP 1.2 is not served here: send a SOAP 1.1 Envelope in namespace {SOAP11_ENV}"
            )))
            }
            other => {
                return Err(Fault::version_mismatch(format!(
                    "the Envelope's namespace is {}, not SOAP 1.1's {SOAP11_ENV}",
                    other.map_or("missing".to_owned(), |ns| format!("\"{ns}\""))
                )))
            }
        }
        if root.empty {
            return Err(Fault::client("the Envelope has no Body"));
        }
        self.note_encoding_style(&root.start)?;
        let mut call = self.envelope_children()?;
        call.encoded = self.encoded;
        self.epilogue()?;
        Ok(call)
    }

    /// Header, then Body; SOAP 1.1 allows further elements after Body.
    fn envelope_children(&mut self) -> Result<Call, Fault> {
        let mut call = None;
        loop {
            match self.next()? {
                Next::Open(tag) if call.is_none() && self.is_soap(&tag, "Header") => {
                    self.header(&tag)?
                }
                Next::Open(tag) if call.is_none() && self.is_soap(&tag, "Body") => {
                    if tag.empty {
                        return Err(Fault::client("the Body is empty: it must hold the operation element"));
                    }
                    self.note_encoding_style(&tag.start)?;
                    call = Some(self.body()?);
                }
                Next::Open(tag) if call.is_none() => {
                    return Err(Fault::client(format!(
                        "unexpected <{}> in the Envelope: only Header and Body may come before the Body's end",
                        tag.local
                    )))
                }
                Next::Open(tag) => self.skip(&tag)?,
                Next::Text(text) if text.trim().is_empty() => {}
                Next::Text(_) => return Err(Fault::client("unexpected text directly inside the Envelope")),
                Next::Close => return call.ok_or_else(|| Fault::client("the Envelope has no Body")),
                Next::End => return Err(truncated()),
            }
        }
    }

    /// No header entry means anything to this node, so one the client marks
    /// `mustUnderstand="1"` is refused (SOAP 1.1 §4.2.3); the rest are skipped.
    fn header(&mut self, header: &Tag<'i>) -> Result<(), Fault> {
        if header.empty {
            return Ok(());
        }
        loop {
            match self.next()? {
                Next::Open(entry) => {
                    if self.must_understand(&entry.start)? {
                        return Err(Fault::must_understand(format!(
                            "header <{}> is marked mustUnderstand, and this node does not understand it",
                            entry.local
                        )));
                    }
                    self.skip(&entry)?;
                }
                Next::Text(_) => {}
                Next::Close => return Ok(()),
                Next::End => return Err(truncated()),
            }
        }
    }

    fn must_understand(&self, start: &BytesStart<'i>) -> Result<bool, Fault> {
        for attribute in start.attributes().with_checks(false) {
            let attribute =
                attribute.map_err(|e| Fault::client(format!("malformed attribute: {e}")))?;
            let (ns, local) = self.reader.resolve_attribute(attribute.key);
            if matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == SOAP11_ENV.as_bytes())
                && local.as_ref() == b"mustUnderstand"
            {
                return Ok(attribute.value.trim_ascii() == b"1");
            }
        }
        Ok(false)
    }

    fn body(&mut self) -> Result<Call, Fault> {
        let mut call: Option<Call> = None;
        // The Body's other entries: only targets of references (multiRef) mean anything.
        let mut others = Vec::new();
        loop {
            match self.next()? {
                Next::Open(tag) if call.is_none() => {
                    let operation = tag.local.clone();
                    let body = self.operation(tag)?;
                    call = Some(Call {
                        operation,
                        body,
                        encoded: false,
                    });
                }
                Next::Open(tag) if self.references => others.push(self.operation(tag)?),
                Next::Open(tag) => self.skip(&tag)?,
                Next::Text(text) if text.trim().is_empty() => {}
                Next::Text(_) => {
                    return Err(Fault::client("unexpected text directly inside the Body"))
                }
                Next::Close => {
                    let mut call = call.ok_or_else(|| {
                        Fault::client("the Body is empty: it must hold the operation element")
                    })?;
                    if self.references {
                        references::resolve(
                            &mut call.body,
                            others,
                            &self.limits,
                            self.elements,
                            self.message_size,
                        )?;
                    }
                    return Ok(call);
                }
                Next::End => return Err(truncated()),
            }
        }
    }

    /// Reads the operation element and everything in it into an [`Element`] tree.
    fn operation(&mut self, tag: Tag<'i>) -> Result<Element, Fault> {
        let empty = tag.empty;
        let root = self.element(tag)?;
        if empty {
            return Ok(root);
        }
        let mut open = vec![root];
        loop {
            match self.next()? {
                Next::Open(tag) => {
                    if open.len() >= self.limits.max_depth {
                        return Err(Fault::client(format!(
                            "the operation nests deeper than {} elements",
                            self.limits.max_depth
                        )));
                    }
                    let empty = tag.empty;
                    let element = self.element(tag)?;
                    if empty {
                        open.last_mut()
                            .expect("inside the operation")
                            .children
                            .push(element);
                    } else {
                        open.push(element);
                    }
                }
                Next::Text(text) => open
                    .last_mut()
                    .expect("inside the operation")
                    .text
                    .push_str(&text),
                Next::Close => {
                    let done = open.pop().expect("inside the operation");
                    match open.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Next::End => return Err(truncated()),
            }
        }
    }

    fn element(&mut self, tag: Tag<'i>) -> Result<Element, Fault> {
        self.count_node()?;
        let mut element = Element::empty(tag.local);
        self.read_attributes(&tag.start, &mut element)?;
        self.references |= element.href().is_some();
        Ok(element)
    }

    /// Counts an element or attribute against the limit, so neither can be used to make
    /// parsing cost more than the limit allows.
    fn count_node(&mut self) -> Result<(), Fault> {
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(Fault::client(format!(
                "the operation holds more than {} elements and attributes",
                self.limits.max_elements
            )));
        }
        Ok(())
    }

    /// The attributes that mean something in an argument: `xsi:nil`, `href` and `id`
    /// (multi-reference values), `SOAP-ENC:arrayType` or an `xsi:type` of `Array`. Every
    /// attribute counts against the limit, and a name given twice is refused (sorting the
    /// names, as quick-xml's own check is quadratic).
    fn read_attributes(
        &mut self,
        start: &BytesStart<'i>,
        element: &mut Element,
    ) -> Result<(), Fault> {
        let mut names = Vec::new();
        for attribute in start.attributes().with_checks(false) {
            self.count_node()?;
            let attribute =
                attribute.map_err(|e| Fault::client(format!("malformed attribute: {e}")))?;
            let key = attribute.key;
            let value = attribute.value.as_ref();
            // Names are looked at before namespaces: resolving a prefix costs a walk over
            // every namespace in scope, so only the few attributes that matter pay it.
            match (key.prefix().is_some(), key.local_name().as_ref()) {
                (false, b"href") => element.set_href(attribute_text(&attribute)?),
                (false, b"id") => element.set_id(attribute_text(&attribute)?),
                (true, b"nil") if self.attribute_in(key, XSI) => {
                    element.nil = value == b"true" || value == b"1";
                }
                (true, b"type") if self.attribute_in(key, XSI) => {
                    element.array |= self.names_soap_array(value);
                }
                (true, b"arrayType") if self.attribute_in(key, SOAP_ENC) => element.array = true,
                (true, b"encodingStyle") if self.attribute_in(key, SOAP11_ENV) => {
                    self.encoded |= declares_soap_encoding(value);
                }
                _ => {}
            }
            names.push(key.into_inner());
        }
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(Fault::client(format!(
                "malformed attribute: {} is given twice on <{}>",
                String::from_utf8_lossy(pair[0]),
                String::from_utf8_lossy(start.local_name().as_ref())
            )));
        }
        Ok(())
    }

    /// An `encodingStyle` on the Envelope or Body (on the operation and below,
    /// `read_attributes` notes it).
    fn note_encoding_style(&mut self, start: &BytesStart<'i>) -> Result<(), Fault> {
        // Most envelopes carry only namespace declarations: look at the attributes only when
        // the tag mentions an encodingStyle at all.
        static ENCODING_STYLE: LazyLock<Finder<'static>> =
            LazyLock::new(|| Finder::new(b"encodingStyle"));
        if ENCODING_STYLE.find(start.attributes_raw()).is_none() {
            return Ok(());
        }
        for attribute in start.attributes().with_checks(false) {
            let attribute =
                attribute.map_err(|e| Fault::client(format!("malformed attribute: {e}")))?;
            if attribute.key.local_name().as_ref() == b"encodingStyle"
                && self.attribute_in(attribute.key, SOAP11_ENV)
            {
                self.encoded |= declares_soap_encoding(&attribute.value);
            }
        }
        Ok(())
    }

    /// Whether a prefixed attribute name is in this namespace.
    fn attribute_in(&self, key: QName<'_>, namespace: &str) -> bool {
        let (ns, _) = self.reader.resolve_attribute(key);
        matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == namespace.as_bytes())
    }

    /// Whether an `xsi:type` value names SOAP encoding's `Array` (whatever its prefix).
    fn names_soap_array(&self, value: &[u8]) -> bool {
        let (ns, local) = self.reader.resolve_element(QName(value.trim_ascii()));
        local.as_ref() == b"Array"
            && matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == SOAP_ENC.as_bytes())
    }

    /// After the Envelope: nothing but whitespace, comments and processing instructions.
    fn epilogue(&mut self) -> Result<(), Fault> {
        loop {
            match self.next()? {
                Next::End => return Ok(()),
                Next::Text(text) if text.trim().is_empty() => {}
                _ => return Err(Fault::client("unexpected content after the Envelope")),
            }
        }
    }

    fn skip(&mut self, tag: &Tag<'i>) -> Result<(), Fault> {
        if tag.empty {
            return Ok(());
        }
        let name = tag.start.name();
        self.reader
            .read_to_end(QName(name.as_ref()))
            .map(drop)
            .map_err(|e| not_well_formed(e, self.reader.error_position()))
    }

    fn is_soap(&self, tag: &Tag<'i>, local: &str) -> bool {
        tag.local == local && tag.namespace.as_deref() == Some(SOAP11_ENV)
    }

    /// The next event that matters, with text already decoded and references resolved.
    fn next(&mut self) -> Result<Next<'i>, Fault> {
        loop {
            let (ns, event) = match self.reader.read_resolved_event() {
                Ok(read) => read,
                Err(error) => {
                    let position = self.reader.error_position();
                    return Err(not_well_formed(error, position));
                }
            };
            let namespace = match ns {
                ResolveResult::Bound(ns) => Some(match utf8(ns.as_ref())? {
                    SOAP11_ENV => Cow::Borrowed(SOAP11_ENV),
                    SOAP12_ENV => Cow::Borrowed(SOAP12_ENV),
                    other => Cow::Owned(other.to_owned()),
                }),
                ResolveResult::Unbound => None,
                ResolveResult::Unknown(prefix) => {
                    return Err(Fault::client(format!(
                        "namespace prefix \"{}\" is used but never declared",
                        String::from_utf8_lossy(&prefix)
                    )))
                }
            };
            return Ok(match event {
                Event::Start(start) => Next::Open(tag(start, namespace, false)?),
                Event::Empty(start) => Next::Open(tag(start, namespace, true)?),
                Event::End(_) => Next::Close,
                Event::Text(text) => Next::Text(checked(decoded(text.into_inner())?)?),
                Event::CData(data) => Next::Text(checked(decoded(data.into_inner())?)?),
                Event::GeneralRef(reference) => {
                    Next::Text(Cow::Owned(resolve_reference(&reference)?))
                }
                Event::DocType(_) => {
                    return Err(Fault::client("a DOCTYPE is not allowed in a SOAP message"))
                }
                // The encoding it names was taken into account before parsing.
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => Next::End,
            });
        }
    }
}

fn not_well_formed(error: quick_xml::Error, position: u64) -> Fault {
    Fault::client(format!("not well-formed XML at byte {position}: {error}"))
}

fn tag<'i>(
    start: BytesStart<'i>,
    namespace: Option<Cow<'static, str>>,
    empty: bool,
) -> Result<Tag<'i>, Fault> {
    let local = utf8(start.local_name().as_ref())?.to_owned();
    Ok(Tag {
        start,
        namespace,
        local,
        empty,
    })
}

fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, Fault> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(ch)) => checked(Cow::Owned(ch.to_string())).map(Cow::into_owned),
            _ => Err(Fault::client(format!(
                "invalid character reference &{};",
                String::from_utf8_lossy(reference)
            ))),
        };
    }
    let name: &[u8] = reference;
    let ch = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        other => {
            return Err(Fault::client(format!(
                "undefined entity &{};",
                String::from_utf8_lossy(other)
            )))
        }
    };
    Ok(ch.to_string())
}

/// XML 1.0 forbids NUL and most control characters, even as references.
fn checked(text: Cow<'_, str>) -> Result<Cow<'_, str>, Fault> {
    match text
        .chars()
        .find(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(Fault::client(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        ))),
        None => Ok(text),
    }
}

/// `encodingStyle` is a list of URIs; SOAP 1.1 encoding's is the one that matters here.
fn declares_soap_encoding(value: &[u8]) -> bool {
    value
        .split(u8::is_ascii_whitespace)
        .any(|uri| uri == SOAP_ENC.as_bytes())
}

/// An attribute's value, references resolved.
fn attribute_text(
    attribute: &quick_xml::events::attributes::Attribute<'_>,
) -> Result<String, Fault> {
    attribute
        .unescape_value()
        .map(|value| value.trim().to_owned())
        .map_err(|e| Fault::client(format!("malformed attribute value: {e}")))
}

/// Text as it stands in the input: borrowed, never copied, when it can be.
fn decoded(raw: Cow<'_, [u8]>) -> Result<Cow<'_, str>, Fault> {
    match raw {
        Cow::Borrowed(bytes) => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| Fault::client("text is not UTF-8")),
        Cow::Owned(bytes) => String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|_| Fault::client("text is not UTF-8")),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, Fault> {
    std::str::from_utf8(bytes).map_err(|_| Fault::client("a name is not UTF-8"))
}

fn truncated() -> Fault {
    Fault::client("the XML ends before the Envelope is closed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnode::soap::FaultCode;

    fn parse(xml: &str) -> Result<Call, Fault> {
        parse_call(xml.as_bytes(), &ParseLimits::default())
    }

    const STYLE_A: &str = r#"<soapenv:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="ns1">
   <soapenv:Header/>
   <soapenv:Body>
      <ns1:getTaskStatus soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
         <taskId xsi:type="xsd:string">7W3A0N1N9I2E7N1TKLS54A9PTR</taskId>
      </ns1:getTaskStatus>
   </soapenv:Body>
</soapenv:Envelope>"#;

    #[test]
    fn style_a_is_read() {
        let call = parse(STYLE_A).unwrap();
        assert!(
            call.encoded,
            "encodingStyle on the operation declares SOAP encoding"
        );
        assert_eq!(call.operation, "getTaskStatus");
        assert_eq!(
            call.body.child("taskId").unwrap().text,
            "7W3A0N1N9I2E7N1TKLS54A9PTR"
        );
    }

    #[test]
    fn default_namespace_and_references_are_resolved() {
        let call = parse(
            r#"<?xml version="1.0"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><op xmlns="urn:x"><a>x &amp; &#x41;<![CDATA[<y>]]></a><b xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></op></Body></Envelope>"#,
        )
        .unwrap();
        assert_eq!(call.operation, "op");
        assert_eq!(call.body.child("a").unwrap().text, "x & A<y>");
        assert!(call.body.child("b").unwrap().nil);
    }

    #[test]
    fn faults_say_what_is_wrong() {
        let cases: &[(&str, FaultCode, &str)] = &[
            ("", FaultCode::Client, "empty"),
            ("hello", FaultCode::Client, "not XML"),
            ("<a><b></a>", FaultCode::Client, "not a SOAP Envelope"),
            (
                r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#,
                FaultCode::VersionMismatch,
                "SOAP 1.2",
            ),
            (
                "<Envelope><Body/></Envelope>",
                FaultCode::VersionMismatch,
                "missing",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>"#,
                FaultCode::Client,
                "no Body",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/></e:Envelope>"#,
                FaultCode::Client,
                "no Body",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body> </e:Body></e:Envelope>"#,
                FaultCode::Client,
                "Body is empty",
            ),
            (
                r#"<!DOCTYPE x [<!ENTITY a "b">]><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x/></e:Body></e:Envelope>"#,
                FaultCode::Client,
                "DOCTYPE",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x>&lol;</x></e:Body></e:Envelope>"#,
                FaultCode::Client,
                "undefined entity",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x>"#,
                FaultCode::Client,
                "ends before",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><q:x/></e:Body></e:Envelope>"#,
                FaultCode::Client,
                "never declared",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x>&#0;</x></e:Body></e:Envelope>"#,
                FaultCode::Client,
                "character reference",
            ),
            (
                r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x/></e:Body></e:Envelope><more/>"#,
                FaultCode::Client,
                "after the Envelope",
            ),
        ];
        for (xml, code, words) in cases {
            let fault = parse(xml).expect_err(xml);
            assert_eq!(fault.code, *code, "{xml}: {fault}");
            assert!(fault.message.contains(words), "{xml}: {fault}");
        }
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        let deep = format!(
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><op>{}{}</op></e:Body></e:Envelope>"#,
            "<a>".repeat(10_000),
            "</a>".repeat(10_000)
        );
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
        let wide = format!(
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><op>{}</op></e:Body></e:Envelope>"#,
            "<item/>".repeat(20_000)
        );
        assert!(parse(&wide).unwrap_err().message.contains("more than"));
    }
}
