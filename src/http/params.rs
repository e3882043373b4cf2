//! Request parameters as PHP services read them, for the front doors that take forms or
//! JSON (Mobizon, Bitrix24): the query string and the body merged into one tree, the body
//! winning. Bodies are read by content, not by the declared Content-Type alone: several real
//! clients declare one type and send another.
//!
//! A form's bracket names build the tree as PHP's `parse_str` does (`data[type]=1`,
//! `ids[]=1&ids[]=2`); a JSON body is taken as it is. Lists keep the order their items came
//! in (a batch runs its commands in the order they were sent). Like PHP's `max_input_vars`,
//! a request carries at most [`MAX_PAIRS`] form pairs.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Nesting deeper than this is refused: no service the doors stand in for needs more.
const MAX_DEPTH: usize = 16;
/// Form pairs a request may carry, query and body together (PHP's `max_input_vars`).
pub const MAX_PAIRS: usize = 1000;

/// One parameter: text, or a list of named or numbered parameters in the order they came.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// Text, or a JSON number or boolean written as text (`true` is `1`, `false` empty).
    Text(String),
    /// A JSON `null`.
    Null,
    List(List),
}

/// A PHP array: items by key, in order, and the index the next `[]` item gets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct List {
    /// Hashed with foldhash (randomly seeded): keys are short, and SipHash cost more than the
    /// rest of reading a pair; a request holds at most [`MAX_PAIRS`] of them.
    items: IndexMap<String, Param, foldhash::fast::RandomState>,
    next_index: u64,
}

impl List {
    /// The items, in the order they came.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Param)> {
        self.items.iter().map(|(key, value)| (key.as_str(), value))
    }

    fn insert(&mut self, key: String, value: Param) -> &mut Param {
        if let Ok(index) = key.parse::<u64>() {
            self.next_index = self.next_index.max(index.saturating_add(1));
        }
        let slot = self.items.entry(key).or_insert(Param::Null);
        *slot = value;
        slot
    }

    /// The slot `key` names (`""`: a new item at the next index), made a list if it is not one.
    fn child_list(&mut self, key: &str) -> &mut List {
        let key = if key.is_empty() {
            self.next_index.to_string()
        } else {
            key.to_owned()
        };
        if let Ok(index) = key.parse::<u64>() {
            self.next_index = self.next_index.max(index.saturating_add(1));
        }
        let slot = self
            .items
            .entry(key)
            .or_insert_with(|| Param::List(List::default()));
        if !matches!(slot, Param::List(_)) {
            *slot = Param::List(List::default());
        }
        match slot {
            Param::List(list) => list,
            _ => unreachable!("just made a list"),
        }
    }

    fn depth(&self) -> usize {
        1 + self
            .items
            .values()
            .map(|item| match item {
                Param::List(list) => list.depth(),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
}

impl Param {
    /// The text of a text parameter.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Param::Text(text) => Some(text),
            _ => None,
        }
    }

    /// A list parameter's text items in order, or a text parameter as one item.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Param::Text(text) => vec![text.as_str()],
            Param::List(list) => list.entries().filter_map(|(_, v)| v.as_text()).collect(),
            Param::Null => Vec::new(),
        }
    }

    /// As JSON, to be kept in a task's detail: a list numbered 0, 1, 2... in order (or
    /// empty) as an array, as PHP's `json_encode` writes it; any other list as an object.
    pub fn to_json(&self) -> Value {
        match self {
            Param::Text(text) => Value::String(text.clone()),
            Param::Null => Value::Null,
            Param::List(list) => {
                let numbered = list
                    .entries()
                    .enumerate()
                    .all(|(i, (key, _))| key == i.to_string());
                if numbered {
                    Value::Array(list.entries().map(|(_, value)| value.to_json()).collect())
                } else {
                    Value::Object(
                        list.entries()
                            .map(|(key, value)| (key.to_owned(), value.to_json()))
                            .collect(),
                    )
                }
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    root: List,
    pairs: usize,
}

/// Why the parameters could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamsError {
    /// The body looked like JSON, or was declared JSON, and is not valid JSON (or not an object).
    BadJson(String),
    /// A form (query or body) with a broken `%` escape, bytes that are not UTF-8, names
    /// nested too deep, or too many pairs.
    BadForm(String),
}

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamsError::BadJson(why) => write!(f, "the body is not valid JSON: {why}"),
            ParamsError::BadForm(why) => write!(f, "the form is not valid: {why}"),
        }
    }
}

impl Params {
    /// The parameters of a request: its query string, then its body (form, multipart or JSON).
    pub fn read(
        query: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Params, ParamsError> {
        let mut params = Params::default();
        params.add_form(query.as_bytes())?;
        params.add_body(content_type, body)?;
        Ok(params)
    }

    /// A form's pairs added to the tree (`a[b]=1&c=2`).
    pub fn add_form(&mut self, form: &[u8]) -> Result<(), ParamsError> {
        for pair in form.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode_component(name)?;
            let value = decode_component(value)?;
            self.insert_php(&name, value)?;
        }
        Ok(())
    }

    fn add_body(&mut self, content_type: Option<&str>, body: &[u8]) -> Result<(), ParamsError> {
        let media_type = content_type
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()).copied() else {
            return Ok(());
        };
        if media_type == "multipart/form-data" {
            let boundary = content_type
                .and_then(|declared| super::content_type_parameter(declared, "boundary"))
                .ok_or_else(|| {
                    ParamsError::BadForm("multipart/form-data without a boundary".into())
                })?;
            return self.add_multipart(body, boundary);
        }
        // Declared JSON but sent as a form (`a=1&b=2`) is read as the form it is.
        let looks_like_form = !body.contains(&b'"') && body.contains(&b'=');
        let declared_json = media_type.ends_with("json") && !looks_like_form;
        if declared_json || matches!(first, b'{' | b'[') {
            return self.add_json(body);
        }
        self.add_form(body)
    }

    fn add_json(&mut self, body: &[u8]) -> Result<(), ParamsError> {
        let budget = std::cell::Cell::new(MAX_JSON_NODES);
        let mut reader = serde_json::Deserializer::from_slice(body);
        let value = de::DeserializeSeed::deserialize(JsonSeed { budget: &budget }, &mut reader)
            .and_then(|value| reader.end().map(|()| value))
            .map_err(|e| ParamsError::BadJson(e.to_string()))?;
        let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let (true, Param::List(list)) = (object, value) else {
            return Err(ParamsError::BadJson("the body is not a JSON object".into()));
        };
        if list.depth() > MAX_DEPTH {
            return Err(ParamsError::BadJson(format!(
                "nested deeper than {MAX_DEPTH}"
            )));
        }
        for (key, value) in list.items {
            self.root.insert(key, value);
        }
        Ok(())
    }

    /// Parts of a multipart body: each part's bytes, text decoded leniently (a file need not
    /// be UTF-8; only its lines are counted).
    fn add_multipart(&mut self, body: &[u8], boundary: &str) -> Result<(), ParamsError> {
        let bad = |why: &str| ParamsError::BadForm(format!("multipart: {why}"));
        if boundary.is_empty() || boundary.len() > 70 {
            return Err(bad("a boundary must have 1 to 70 characters"));
        }
        // A delimiter starts the body or a line (RFC 2046): `--boundary` after CRLF.
        let first = format!("--{boundary}");
        let later = format!("\r\n--{boundary}");
        let finder = memchr::memmem::Finder::new(later.as_bytes());
        let mut starts: Vec<usize> = Vec::new();
        if body.starts_with(first.as_bytes()) {
            starts.push(0);
        }
        starts.extend(finder.find_iter(body).map(|at| at + 2));
        for (n, &start) in starts.iter().enumerate() {
            let after = &body[start + first.len()..];
            if after.starts_with(b"--") {
                return Ok(());
            }
            if !after.starts_with(b"\r\n") {
                return Err(bad("a delimiter not followed by a line break"));
            }
            let Some(&next) = starts.get(n + 1) else {
                break;
            };
            // The part runs to the CRLF that starts the next delimiter (a delimiter right
            // after another leaves no part at all).
            let part = body
                .get(start + first.len() + 2..next - 2)
                .ok_or_else(|| bad("an empty part"))?;
            let split = memchr::memmem::find(part, b"\r\n\r\n")
                .ok_or_else(|| bad("a part without headers"))?;
            let head = String::from_utf8_lossy(&part[..split]);
            let value = &part[split + 4..];
            let name = head
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))
                .and_then(|line| line.split(';').find_map(|p| p.trim().strip_prefix("name=")))
                .map(|name| name.trim_matches('"').to_owned())
                .ok_or_else(|| bad("a part without a name"))?;
            self.insert_php(&name, String::from_utf8_lossy(value).into_owned())?;
        }
        Err(bad("no closing boundary"))
    }

    /// Inserts `value` under a PHP-style name: `a`, `a[b]`, `a[b][]`.
    fn insert_php(&mut self, name: &str, value: String) -> Result<(), ParamsError> {
        self.pairs += 1;
        if self.pairs > MAX_PAIRS {
            return Err(ParamsError::BadForm(format!(
                "more than {MAX_PAIRS} parameters"
            )));
        }
        let (base, mut rest) = match name.find('[') {
            Some(at) if at > 0 => (&name[..at], &name[at..]),
            _ => (name, ""),
        };
        let mut keys = Vec::new();
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(end) = inner.find(']') else { break };
            keys.push(&inner[..end]);
            rest = &inner[end + 1..];
        }
        if keys.len() > MAX_DEPTH {
            return Err(ParamsError::BadForm(format!(
                "\"{name}\" is nested deeper than {MAX_DEPTH}"
            )));
        }
        let Some((last, path)) = keys.split_last() else {
            self.root.insert(base.to_owned(), Param::Text(value));
            return Ok(());
        };
        let mut list = self.root.child_list(base);
        for key in path {
            list = list.child_list(key);
        }
        let key = if last.is_empty() {
            list.next_index.to_string()
        } else {
            (*last).to_owned()
        };
        list.insert(key, Param::Text(value));
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Param> {
        self.root.items.get(name)
    }

    /// A text parameter (a JSON number or boolean as its text).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name)?.as_text()
    }

    /// Takes a parameter out (what a door reads itself, like `auth`, is not a method's).
    pub fn remove(&mut self, name: &str) -> Option<Param> {
        self.root.items.shift_remove(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.root.items.contains_key(name)
    }
}

/// A JSON document read into [`Param`]s, objects keeping their keys' order and arrays
/// becoming lists numbered from 0; at most [`MAX_JSON_NODES`] values, so a body's size cannot
/// turn into many times its size in memory.
#[derive(Clone, Copy)]
struct JsonSeed<'b> {
    budget: &'b std::cell::Cell<usize>,
}

/// Values a JSON body may hold (objects, arrays and scalars alike).
pub const MAX_JSON_NODES: usize = 10 * MAX_PAIRS;

impl<'de> de::DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Param;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Param, D::Error> {
        let left = self.budget.get();
        if left == 0 {
            return Err(de::Error::custom(format!(
                "more than {MAX_JSON_NODES} values"
            )));
        }
        self.budget.set(left - 1);
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Param;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Param, E> {
        Ok(Param::Text(if v { "1" } else { "" }.into()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Param, E> {
        Ok(Param::Text(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Param, E> {
        Ok(Param::Text(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Param, E> {
        Ok(Param::Text(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Param, E> {
        Ok(Param::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Param, E> {
        Ok(Param::Text(v))
    }

    fn visit_unit<E>(self) -> Result<Param, E> {
        Ok(Param::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Param, A::Error> {
        let mut list = List::default();
        while let Some(item) = seq.next_element_seed(self)? {
            let key = list.next_index.to_string();
            list.insert(key, item);
        }
        Ok(Param::List(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Param, A::Error> {
        let mut list = List::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            list.insert(key, value);
        }
        Ok(Param::List(list))
    }
}

/// One form component: `+` is a space, `%XX` a byte; the result must be UTF-8.
pub(crate) fn decode_component(raw: &[u8]) -> Result<String, ParamsError> {
    // Most names and values have nothing to decode: copied whole.
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return String::from_utf8(raw.to_vec())
            .map_err(|_| ParamsError::BadForm("bytes that are not UTF-8".into()));
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        ParamsError::BadForm(format!(
                            "a broken escape \"{}\"",
                            String::from_utf8_lossy(&raw[i..raw.len().min(i + 3)])
                        ))
                    })?;
                bytes.push(hex);
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| ParamsError::BadForm("bytes that are not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(query: &str, content_type: Option<&str>, body: &str) -> Params {
        Params::read(query, content_type, body.as_bytes()).unwrap()
    }

    fn json_of(params: &Params, name: &str) -> Value {
        params.get(name).map_or(Value::Null, Param::to_json)
    }

    #[test]
    fn forms_nest_as_php_does() {
        let params = read("a=1&b[c]=2&d[]=x&d[]=y&e[5]=p&e[]=q", None, "");
        assert_eq!(params.text("a"), Some("1"));
        assert_eq!(json_of(&params, "b"), json!({"c": "2"}));
        assert_eq!(json_of(&params, "d"), json!(["x", "y"]));
        assert_eq!(json_of(&params, "e"), json!({"5": "p", "6": "q"}));
    }

    #[test]
    fn lists_keep_the_order_items_came_in() {
        let form: String = (0..12).map(|i| format!("r[]=n{i}&")).collect();
        let params = read("", None, &form);
        let items = params.get("r").unwrap().texts();
        let expected: Vec<String> = (0..12).map(|i| format!("n{i}")).collect();
        assert_eq!(items, expected);
        let params = read(
            "",
            Some("application/json"),
            r#"{"cmd": {"b": "2", "a": "1"}}"#,
        );
        let Some(Param::List(cmd)) = params.get("cmd") else {
            panic!("a list")
        };
        let keys: Vec<&str> = cmd.entries().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn the_body_wins_and_is_read_by_content() {
        let params = read(
            "id=1&apiKey=K",
            Some("application/x-www-form-urlencoded"),
            "{\"id\": 7}",
        );
        assert_eq!(params.text("id"), Some("7"));
        assert_eq!(params.text("apiKey"), Some("K"));
        let params = read("", Some("application/json"), "id=8&name=a+b%21");
        assert_eq!(params.text("id"), Some("8"));
        assert_eq!(params.text("name"), Some("a b!"));
    }

    #[test]
    fn multipart_parts_are_fields_and_files_need_not_be_utf8() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n42\r\n--XX\r\nContent-Disposition: form-data; name=\"data[FILES][]\"\r\n\r\nhttp://x/1\r\n--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.xls\"\r\n\r\n\xd0\xff\x00\r\n--XX--\r\n";
        let params = Params::read("", Some("multipart/form-data; boundary=XX"), body).unwrap();
        assert_eq!(params.text("id"), Some("42"));
        assert_eq!(json_of(&params, "data"), json!({"FILES": ["http://x/1"]}));
        assert!(params.text("f").is_some());
    }

    #[test]
    fn broken_input_is_refused() {
        let bad = |query: &str, body: &str| Params::read(query, None, body.as_bytes()).unwrap_err();
        assert!(matches!(bad("", "{\"id\": "), ParamsError::BadJson(_)));
        assert!(matches!(bad("", "[1, 2]"), ParamsError::BadJson(_)));
        assert!(matches!(bad("id=%zz", ""), ParamsError::BadForm(_)));
        assert!(matches!(bad("id=%ff", ""), ParamsError::BadForm(_)));
        assert!(matches!(
            bad(&format!("a{}=1", "[x]".repeat(40)), ""),
            ParamsError::BadForm(_)
        ));
        let deep = format!("{}1{}", "{\"a\":".repeat(20), "}".repeat(20));
        assert!(matches!(bad("", &deep), ParamsError::BadJson(_)));
    }

    #[test]
    fn json_bodies_have_a_value_budget() {
        let many = format!("{{\"data\": [{}0]}}", "0,".repeat(MAX_JSON_NODES));
        let refused = Params::read("", None, many.as_bytes()).unwrap_err();
        assert!(matches!(refused, ParamsError::BadJson(_)), "{refused}");
        let fits = format!("{{\"data\": [{}0]}}", "0,".repeat(MAX_JSON_NODES - 10));
        assert!(Params::read("", None, fits.as_bytes()).is_ok());
    }

    #[test]
    fn a_boundary_inside_a_value_is_data() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx--XX--y\r\n--XX\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XX--\r\n";
        let params = Params::read("", Some("multipart/form-data; boundary=XX"), body).unwrap();
        assert_eq!(params.text("a"), Some("x--XX--y"));
        assert_eq!(params.text("b"), Some("2"));
        let empty = Params::read("", Some("multipart/form-data; boundary="), b"--\r\n");
        assert!(empty.is_err());
        // Found by the fuzzer: two delimiters sharing one line break.
        let touching = Params::read(
            "",
            Some("multipart/form-data; boundary=XyZ"),
            b"--XyZ\r\n--XyZ--=\r\n",
        );
        assert!(touching.is_err());
        assert!(
            Params::read("id=%+1", None, b"").is_err(),
            "a sign is not a hex digit"
        );
    }

    #[test]
    fn numbering_and_pair_counts_have_limits() {
        // The largest index: the next `[]` item does not overflow.
        let params = read("a[18446744073709551615]=1&a[]=2", None, "");
        assert!(!params.get("a").unwrap().texts().is_empty());
        let many: String = (0..MAX_PAIRS + 1).map(|_| "a[]=1&").collect();
        let refused = Params::read("", None, many.as_bytes()).unwrap_err();
        assert!(matches!(refused, ParamsError::BadForm(_)));
        let within: String = (0..MAX_PAIRS).map(|_| "a[]=1&").collect();
        assert_eq!(
            read("", None, &within).get("a").unwrap().texts().len(),
            MAX_PAIRS
        );
    }
}
