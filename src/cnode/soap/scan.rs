//! The fast path for the envelopes nearly every client sends: plain ASCII, namespaces
//! declared only on the Envelope and the operation, no attribute but `encodingStyle` and
//! `xsi:type` (the documentation's style and soapUI's). Such an envelope is read straight
//! from the bytes, with no event stream and no namespace resolver, into the same [`Call`] the
//! full parser (`parse.rs`) gives.
//!
//! Anything else (another encoding, an attribute, an entity or character reference, a
//! comment, a header entry, a tag it cannot place) makes [`scan_call`] answer `None`, and
//! the full parser reads the request and says precisely what is wrong, if anything. So this
//! file never decides that a request is bad, only that it is plain. That both give the same
//! call for everything this accepts is checked here on crafted and mutated envelopes, on every
//! golden request (`tests/it/scanner.rs`), and by the fuzz target `envelope`.

use super::message::{Call, Element};
use super::parse::ParseLimits;
use super::{SOAP11_ENV, SOAP_ENC, XSI};

/// The call in a plain envelope; `None` when the envelope is not plain (not when it is bad).
pub fn scan_call(body: &[u8], http_charset: Option<&str>, limits: &ParseLimits) -> Option<Call> {
    let utf8 = http_charset.is_none_or(|charset| charset.eq_ignore_ascii_case("utf-8"));
    if !utf8 || !body.is_ascii() {
        return None;
    }
    let mut scanner = Scanner {
        input: std::str::from_utf8(body).ok()?,
        at: 0,
        scope: Vec::new(),
        attributes: Vec::new(),
        encoded: false,
        limits,
    };
    scanner.envelope()
}

// What each byte may be (`CLASSES`, one lookup per byte): the scanner's inner loops.
const NAME: u8 = 1;
/// Character data that needs no decoding and that XML allows as it is.
const PLAIN_TEXT: u8 = 2;
const SPACE: u8 = 4;
static CLASSES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':') {
            classes[byte] |= NAME;
        }
        let allowed = (b >= b' ' && b < 0x80) || matches!(b, b'\t' | b'\n' | b'\r');
        if allowed && !matches!(b, b'<' | b'&' | b'>') {
            classes[byte] |= PLAIN_TEXT;
        }
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            classes[byte] |= SPACE;
        }
        byte += 1;
    }
    classes
};

/// How many bytes from the start are of this class.
fn run_of(class: u8, text: &str) -> usize {
    // A plain indexed loop: about half the instructions of `bytes().position(..)` here.
    let bytes = text.as_bytes();
    let mut length = 0;
    while length < bytes.len() && CLASSES[usize::from(bytes[length])] & class != 0 {
        length += 1;
    }
    length
}

/// A start tag: its qualified name as written, whether it closes itself, and how many
/// namespaces it declares (its other attributes are in `Scanner::attributes`).
struct Tag<'i> {
    name: Name<'i>,
    empty: bool,
    declarations: usize,
}

/// A name as written, and its two parts (read once: names are compared and resolved often).
#[derive(Clone, Copy)]
struct Name<'i> {
    full: &'i str,
    /// "" when there is none.
    prefix: &'i str,
    local: &'i str,
}

/// Where a tag stands, which says what it may carry.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Envelope,
    Header,
    Body,
    Operation,
    /// Anything inside the operation.
    Argument,
}

struct Scanner<'i, 'l> {
    input: &'i str,
    at: usize,
    /// Namespace declarations in scope, innermost last: (prefix, "" for the default; URI).
    scope: Vec<(&'i str, &'i str)>,
    /// The attributes of the tag just read, but for its namespace declarations.
    attributes: Vec<(Name<'i>, &'i str)>,
    /// Whether an `encodingStyle` declared SOAP encoding.
    encoded: bool,
    limits: &'l ParseLimits,
}

impl<'i> Scanner<'i, '_> {
    fn envelope(&mut self) -> Option<Call> {
        self.declaration()?;
        self.skip_whitespace();
        let envelope = self.start_tag()?;
        if envelope.empty || !self.is_soap(envelope.name, "Envelope") {
            return None;
        }
        self.allowed(&envelope, Place::Envelope)?;
        self.skip_whitespace();
        let mut tag = self.start_tag()?;
        if self.is_soap(tag.name, "Header") {
            self.allowed(&tag, Place::Header)?;
            if !tag.empty {
                self.skip_whitespace();
                self.end_tag(tag.name.full)?;
            }
            self.skip_whitespace();
            tag = self.start_tag()?;
        }
        if tag.empty || !self.is_soap(tag.name, "Body") {
            return None;
        }
        self.allowed(&tag, Place::Body)?;
        self.skip_whitespace();
        let mut call = self.operation()?;
        self.skip_whitespace();
        self.end_tag(tag.name.full)?;
        self.skip_whitespace();
        self.end_tag(envelope.name.full)?;
        self.skip_whitespace();
        call.encoded = self.encoded;
        (self.at == self.input.len()).then_some(call)
    }

    /// An XML declaration at the very start, if any, in one of the forms that say UTF-8
    /// (or nothing) about the encoding.
    fn declaration(&mut self) -> Option<()> {
        if !self.rest().starts_with("<?xml") {
            return Some(());
        }
        self.at += "<?xml".len();
        let version = self.pseudo_attribute("version")?;
        if version != "1.0" {
            return None;
        }
        if self.rest().trim_start().starts_with("encoding") {
            let encoding = self.pseudo_attribute("encoding")?;
            if !encoding.eq_ignore_ascii_case("utf-8") {
                return None;
            }
        }
        self.skip_whitespace();
        self.eat("?>").then_some(())
    }

    /// ` name="value"` in the declaration: the value.
    fn pseudo_attribute(&mut self, name: &str) -> Option<&'i str> {
        if self.skip_whitespace() == 0 || !self.eat(name) {
            return None;
        }
        self.attribute_value()
    }

    /// The operation element and everything in it, as the full parser builds it: text
    /// (whitespace between children too) appended to the element it stands in.
    fn operation(&mut self) -> Option<Call> {
        let outer_scope = self.scope.len();
        let tag = self.start_tag()?;
        self.namespace(tag.name)?;
        self.allowed(&tag, Place::Operation)?;
        // Elements and attributes, counted as the full parser counts them.
        let mut nodes = 1 + tag.declarations + self.attributes.len();
        let mut open = vec![(tag.name.full, Element::empty(tag.name.local.to_owned()))];
        let mut done = None;
        if tag.empty {
            done = open.pop().map(|(_, element)| element);
        }
        while done.is_none() {
            if nodes > self.limits.max_elements {
                return None;
            }
            let text = self.text()?;
            let (_, current) = open.last_mut()?;
            current.text.push_str(text);
            if self.eat("</") {
                let (name, element) = open.pop()?;
                self.end_tag_rest(name)?;
                match open.last_mut() {
                    Some((_, parent)) => parent.children.push(element),
                    None => done = Some(element),
                }
                continue;
            }
            // Too deep: the full parser refuses it, and says why.
            if open.len() >= self.limits.max_depth {
                return None;
            }
            let child = self.start_tag()?;
            self.namespace(child.name)?;
            self.allowed(&child, Place::Argument)?;
            nodes += 1 + self.attributes.len();
            let element = Element::empty(child.name.local.to_owned());
            if child.empty {
                open.last_mut()?.1.children.push(element);
            } else {
                open.push((child.name.full, element));
            }
        }
        if nodes > self.limits.max_elements {
            return None;
        }
        self.scope.truncate(outer_scope);
        let body = done?;
        Some(Call {
            operation: body.name.clone(),
            body,
            encoded: false,
        })
    }

    /// `<name ...>` or `<name .../>`. Namespace declarations join the scope, the other
    /// attributes wait in `self.attributes` for [`Scanner::allowed`] to judge them once the
    /// tag's declarations are all known (an attribute may use a prefix declared after it).
    fn start_tag(&mut self) -> Option<Tag<'i>> {
        if !self.eat("<") {
            return None;
        }
        let name = self.name()?;
        let declared_before = self.scope.len();
        self.attributes.clear();
        loop {
            let spaced = self.skip_whitespace() > 0;
            let empty = self.eat("/>");
            if empty || self.eat(">") {
                return Some(Tag {
                    name,
                    empty,
                    declarations: self.scope.len() - declared_before,
                });
            }
            if !spaced {
                return None;
            }
            let attribute = self.name()?;
            let value = self.attribute_value()?;
            if self
                .attributes
                .iter()
                .any(|(name, _)| name.full == attribute.full)
            {
                return None;
            }
            match (attribute.prefix, attribute.local) {
                ("", "xmlns") => self.declare("", value, declared_before)?,
                ("xmlns", prefix) => self.declare(prefix, value, declared_before)?,
                _ => self.attributes.push((attribute, value)),
            }
        }
    }

    /// A namespace declaration, added to the scope. Reserved prefixes, an empty URI
    /// (undeclaring) and a prefix declared twice on one tag are left to the full parser.
    fn declare(&mut self, prefix: &'i str, uri: &'i str, declared_before: usize) -> Option<()> {
        let this_tag = &self.scope[declared_before..];
        let reserved = prefix
            .get(..3)
            .is_some_and(|head| head.eq_ignore_ascii_case("xml"));
        if reserved || uri.is_empty() || this_tag.iter().any(|(declared, _)| *declared == prefix) {
            return None;
        }
        self.scope.push((prefix, uri));
        Some(())
    }

    /// Whether the tag just read may stand where it is, with what it carries: namespace
    /// declarations only on the Envelope and the operation; `SOAP-ENV:encodingStyle` on
    /// any but the Header (noted); `xsi:type` in the operation (where only a SOAP-encoded
    /// `Array` would mean something, left to the full parser). Nothing else.
    fn allowed(&mut self, tag: &Tag<'i>, place: Place) -> Option<()> {
        let declarations = matches!(place, Place::Envelope | Place::Operation);
        if tag.declarations > 0 && !declarations {
            return None;
        }
        for &(name, value) in &self.attributes {
            let namespace = self
                .declared(name.prefix)
                .filter(|_| !name.prefix.is_empty())?;
            match (namespace, name.local, place) {
                (SOAP11_ENV, "encodingStyle", place) if place != Place::Header => {
                    self.encoded |= value.split_ascii_whitespace().any(|uri| uri == SOAP_ENC);
                }
                (XSI, "type", Place::Operation | Place::Argument) => {
                    if local_name(value.trim_ascii()) == "Array" {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// `="value"` after an attribute's name (spaces allowed around `=`): the value, when it
    /// holds no reference and no `<`.
    fn attribute_value(&mut self) -> Option<&'i str> {
        self.skip_whitespace();
        if !self.eat("=") {
            return None;
        }
        self.skip_whitespace();
        let quote = *self.rest().as_bytes().first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        self.at += 1;
        let rest = self.rest();
        // Values are long (namespace URIs): searched with memchr rather than byte by byte.
        let length = memchr::memchr(quote, rest.as_bytes())?;
        let value = &rest[..length];
        if memchr::memchr2(b'<', b'&', value.as_bytes()).is_some() {
            return None;
        }
        self.at += length + 1;
        Some(value)
    }

    /// `</name>` for the tag named `name`.
    fn end_tag(&mut self, name: &str) -> Option<()> {
        if !self.eat("</") {
            return None;
        }
        self.end_tag_rest(name)
    }

    /// The rest of an end tag once `</` is read: the same name, then `>`.
    fn end_tag_rest(&mut self, name: &str) -> Option<()> {
        if !self.eat(name) {
            return None;
        }
        self.skip_whitespace();
        self.eat(">").then_some(())
    }

    /// Character data up to the next tag: only characters that need no decoding and that
    /// XML allows as they are.
    fn text(&mut self) -> Option<&'i str> {
        let rest = self.rest();
        let length = run_of(PLAIN_TEXT, rest);
        if rest.as_bytes().get(length) != Some(&b'<') {
            return None;
        }
        self.at += length;
        Some(&rest[..length])
    }

    /// A name, `prefix:local` or `local`, in the ASCII letters, digits and `_.-` that every
    /// stack's names are made of.
    fn name(&mut self) -> Option<Name<'i>> {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        // One pass: the name's length and where its one colon is, if any.
        let mut length = 0;
        let mut colon = None;
        while length < bytes.len() && CLASSES[usize::from(bytes[length])] & NAME != 0 {
            if bytes[length] == b':' {
                if colon.is_some() {
                    return None;
                }
                colon = Some(length);
            }
            length += 1;
        }
        let full = &rest[..length];
        let (prefix, local) = match colon {
            Some(colon) => (&full[..colon], &full[colon + 1..]),
            None => ("", full),
        };
        let starts_well = |part: &str| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        };
        if !starts_well(local) || (colon.is_some() && !starts_well(prefix)) {
            return None;
        }
        self.at += length;
        Some(Name {
            full,
            prefix,
            local,
        })
    }

    /// The namespace of an element name: `Some(None)` for none, `None` for a prefix never
    /// declared (which the full parser refuses).
    fn namespace(&self, name: Name<'_>) -> Option<Option<&'i str>> {
        match name.prefix {
            "" => Some(self.declared("")),
            prefix => self.declared(prefix).map(Some),
        }
    }

    /// The URI a prefix ("" for the default namespace) is bound to in the scope.
    fn declared(&self, prefix: &str) -> Option<&'i str> {
        let innermost = self
            .scope
            .iter()
            .rev()
            .find(|(declared, _)| *declared == prefix);
        innermost.map(|(_, uri)| *uri)
    }

    fn is_soap(&self, name: Name<'_>, local: &str) -> bool {
        name.local == local && self.namespace(name) == Some(Some(SOAP11_ENV))
    }

    /// Skips spaces, tabs and line ends; how many.
    fn skip_whitespace(&mut self) -> usize {
        let length = run_of(SPACE, self.rest());
        self.at += length;
        length
    }

    fn eat(&mut self, expected: &str) -> bool {
        let found = self.rest().starts_with(expected);
        if found {
            self.at += expected.len();
        }
        found
    }

    fn rest(&self) -> &'i str {
        &self.input[self.at..]
    }
}

/// The local part of a `prefix:local` value (an `xsi:type`'s).
fn local_name(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, local)| local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnode::soap::{parse_call_in_full, Fault};

    const DOCUMENTED: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:getTaskStatus><taskId>7W3A0N1N9I2E7N1TKLS54A9PTR</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback></ns:getTaskStatus></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

    /// The scanner's answer, checked against the full parser's: a call the scanner reads is
    /// the call the full parser reads. Whether it read one.
    fn agrees(body: &[u8], charset: Option<&str>, limits: &ParseLimits) -> bool {
        let scanned = scan_call(body, charset, limits);
        let full: Result<Call, Fault> = parse_call_in_full(body, charset, limits);
        if let Some(call) = &scanned {
            assert_eq!(
                Ok(call),
                full.as_ref(),
                "the scanner and the full parser disagree on {:?}",
                String::from_utf8_lossy(body)
            );
        }
        scanned.is_some()
    }

    #[test]
    fn the_documented_request_is_scanned_as_the_full_parser_reads_it() {
        let limits = ParseLimits::default();
        assert!(agrees(DOCUMENTED.as_bytes(), None, &limits));
        assert!(agrees(DOCUMENTED.as_bytes(), Some("UTF-8"), &limits));
        let call = scan_call(DOCUMENTED.as_bytes(), None, &limits).unwrap();
        assert_eq!(call.operation, "getTaskStatus");
        assert_eq!(call.body.child("callback").unwrap().text, "false");
        // Another charset, an attribute nobody declared, a reference: not plain.
        assert!(!agrees(DOCUMENTED.as_bytes(), Some("iso-8859-2"), &limits));
        let typed = DOCUMENTED.replace("<callback>", r#"<callback xsi:type="xsd:boolean">"#);
        assert!(!agrees(typed.as_bytes(), None, &limits));
        let nil = DOCUMENTED.replace("<callback>", r#"<callback xsi:nil="true">"#);
        assert!(!agrees(nil.as_bytes(), None, &limits));
        let reference = DOCUMENTED.replace(">false<", ">f&#97;lse<");
        assert!(!agrees(reference.as_bytes(), None, &limits));
    }

    #[test]
    fn layouts_and_declarations_read_the_same_either_way() {
        let limits = ParseLimits::default();
        let indented = DOCUMENTED
            .replace("><", ">\n  <")
            .replace("<taskId>", "<taskId>  ");
        let variants = [
            format!(r#"<?xml version="1.0" encoding="UTF-8"?>{DOCUMENTED}"#),
            format!("<?xml version='1.0' encoding = 'utf-8' ?>\n{DOCUMENTED}\n"),
            format!(r#"<?xml version="1.0"?>{DOCUMENTED}"#),
            indented.clone(),
            indented.replace('\n', "\r\n"),
            DOCUMENTED.replace("<SOAP-ENV:Body>", "<SOAP-ENV:Header/><SOAP-ENV:Body>"),
            DOCUMENTED.replace(
                "<SOAP-ENV:Body>",
                "<SOAP-ENV:Header>\n</SOAP-ENV:Header><SOAP-ENV:Body>",
            ),
            DOCUMENTED.replace("<ns:getTaskStatus>", r#"<q:getTaskStatus xmlns:q="ns1">"#)
                .replace("</ns:getTaskStatus>", "</q:getTaskStatus>"),
            DOCUMENTED.replace("<ns:getTaskStatus>", r#"<getTaskStatus xmlns="ns1">"#)
                .replace("</ns:getTaskStatus>", "</getTaskStatus>"),
            DOCUMENTED.replace("<uniqueTransferId></uniqueTransferId>", "<uniqueTransferId/>"),
            DOCUMENTED.replace("<callback>false</callback>", "<a><b>1</b> x <c/></a>"),
            r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><hello/></Body></Envelope>"#.to_owned(),
            // soapUI's style: xsi:type on the arguments, encodingStyle on the operation.
            DOCUMENTED
                .replace("<callback>", r#"<callback xsi:type="xsd:boolean">"#)
                .replace(
                    "<ns:getTaskStatus>",
                    r#"<ns:getTaskStatus xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#,
                ),
            // The documentation's: encodingStyle on the Body.
            DOCUMENTED.replace(
                "<SOAP-ENV:Body>",
                r#"<SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#,
            ),
        ];
        for variant in &variants {
            assert!(
                agrees(variant.as_bytes(), None, &limits),
                "not plain: {variant}"
            );
        }
        // Not plain, or not right: either way the full parser's to say.
        let others = [
            DOCUMENTED.replace("xmlns:SOAP-ENV", "xmlns:soap"),
            DOCUMENTED.replace("</ns:getTaskStatus>", "</ns:getTaskStatu>"),
            DOCUMENTED.replace("<taskId>", "<x:taskId>"),
            DOCUMENTED.replace("envelope/", "envelope"),
            DOCUMENTED.replace("false", "fa\u{1}lse"),
            DOCUMENTED.replace("false", "fa>lse"),
            format!("{DOCUMENTED}<x/>"),
            format!("<!-- hi -->{DOCUMENTED}"),
            format!(r#"<?xml version="1.1"?>{DOCUMENTED}"#),
            format!(r#"<?xml version="1.0" standalone="yes"?>{DOCUMENTED}"#),
            DOCUMENTED.replace(r#"xmlns:ns="ns1""#, r#"xmlns:ns="ns1" xmlns:ns="ns2""#),
            DOCUMENTED.replace("<ns:getTaskStatus>", r#"<ns:getTaskStatus xmlns:ns="">"#),
            DOCUMENTED.replace("<SOAP-ENV:Body>", r#"<SOAP-ENV:Body xmlns:a="b">"#),
            DOCUMENTED.replace("<taskId>", r#"<taskId xmlns:a="b">"#),
            DOCUMENTED.replace("<taskId>", r##"<taskId href="#a">"##),
            DOCUMENTED.replace("<taskId>", r#"<taskId ns:type="x" ns:type="y">"#),
        ];
        for other in &others {
            assert!(!agrees(other.as_bytes(), None, &limits), "plain: {other}");
        }
    }

    #[test]
    fn the_limits_are_left_to_the_full_parser() {
        let plain_within = |body: &str, max_depth, max_elements| {
            let limits = ParseLimits {
                max_depth,
                max_elements,
            };
            agrees(body.as_bytes(), None, &limits)
        };
        let deep = DOCUMENTED.replace("<callback>false</callback>", "<a><b><c>1</c></b></a>");
        assert!(!plain_within(&deep, 3, 10_000));
        assert!(plain_within(&deep, 4, 10_000));
        // The operation and its three arguments: four elements.
        assert!(!plain_within(DOCUMENTED, 32, 3));
        assert!(plain_within(DOCUMENTED, 32, 4));
    }

    /// Every truncation, and every byte replaced by each of the characters that move a
    /// scanner from one state to another: wherever the scanner reads a call, it is the
    /// full parser's.
    #[test]
    fn mutated_envelopes_read_the_same_either_way() {
        let limits = ParseLimits::default();
        let header = DOCUMENTED.replace("<SOAP-ENV:Body>", "<SOAP-ENV:Header/>\n<SOAP-ENV:Body>");
        let declared = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{header}");
        let style_a = DOCUMENTED.replace("<taskId>", r#"<taskId xsi:type="xsd:string">"#).replace(
            "<ns:getTaskStatus>",
            r#"<ns:getTaskStatus xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#,
        );
        for base in [DOCUMENTED.to_owned(), declared, style_a] {
            let base = base.as_bytes();
            for end in 0..base.len() {
                agrees(&base[..end], None, &limits);
            }
            for at in 0..base.len() {
                for replacement in *b"<>/=\"' :x&\r\t?!-" {
                    let mut mutated = base.to_vec();
                    mutated[at] = replacement;
                    agrees(&mutated, None, &limits);
                }
                let mut removed = base.to_vec();
                removed.remove(at);
                agrees(&removed, None, &limits);
            }
        }
    }
}
