//! Request parameters as PHP services read them, for the front doors that take forms or
//! JSON (Mobizon, Bitrix24): the query string and the body merged into one tree, the body
//! winning. Bodies are read by content, not by the declared Content-Type alone: several real
//! clients declare one type and send another.
//!
//! A form's bracket names build the tree as PHP's `parse_str` does (`data[type]=1`,
//! `ids[]=1&ids[]=2`); a JSON body is taken as it is. Every leaf of a form is a string.

use serde_json::{Map, Value};

/// Nesting deeper than this is refused: no service the doors stand in for needs more.
const MAX_DEPTH: usize = 16;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(Map<String, Value>);

/// Why the parameters could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamsError {
    /// The body looked like JSON, or was declared JSON, and is not valid JSON (or not an object).
    BadJson(String),
    /// A form (query or body) with a broken `%` escape, bytes that are not UTF-8, or names
    /// nested too deep.
    BadForm(String),
}

impl std::fmt::Display for ParamsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
            self.insert_php(&name, Value::String(value))?;
        }
        Ok(())
    }

    fn add_body(&mut self, content_type: Option<&str>, body: &[u8]) -> Result<(), ParamsError> {
        let media_type = content_type
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let text_start = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if media_type == "multipart/form-data" {
            let boundary = content_type.and_then(boundary).ok_or_else(|| {
                ParamsError::BadForm("multipart/form-data without a boundary".into())
            })?;
            return self.add_multipart(body, &boundary);
        }
        // Declared JSON but sent as a form (`a=1&b=2`) is read as the form it is.
        let looks_like_form = !body.contains(&b'"') && body.contains(&b'=');
        let declared_json = media_type.ends_with("json") && !looks_like_form;
        if declared_json || matches!(text_start, Some(b'{' | b'[')) {
            let value: Value =
                serde_json::from_slice(body).map_err(|e| ParamsError::BadJson(e.to_string()))?;
            let Value::Object(map) = value else {
                return Err(ParamsError::BadJson("the body is not a JSON object".into()));
            };
            if depth(&Value::Object(map.clone())) > MAX_DEPTH {
                return Err(ParamsError::BadJson(format!(
                    "nested deeper than {MAX_DEPTH}"
                )));
            }
            self.0.extend(map);
            return Ok(());
        }
        self.add_form(body)
    }

    fn add_multipart(&mut self, body: &[u8], boundary: &str) -> Result<(), ParamsError> {
        let bad = |why: &str| ParamsError::BadForm(format!("multipart: {why}"));
        let text = std::str::from_utf8(body).map_err(|_| bad("not UTF-8"))?;
        let delimiter = format!("--{boundary}");
        let mut parts = text.split(delimiter.as_str());
        parts.next(); // the preamble
        for part in parts {
            if part.starts_with("--") {
                return Ok(());
            }
            let part = part.strip_prefix("\r\n").unwrap_or(part);
            let (head, value) = part
                .split_once("\r\n\r\n")
                .ok_or_else(|| bad("a part without headers"))?;
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            let name = head
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))
                .and_then(|line| line.split(';').find_map(|p| p.trim().strip_prefix("name=")))
                .map(|name| name.trim_matches('"').to_owned())
                .ok_or_else(|| bad("a part without a name"))?;
            self.insert_php(&name, Value::String(value.to_owned()))?;
        }
        Err(bad("no closing boundary"))
    }

    /// Inserts `value` under a PHP-style name: `a`, `a[b]`, `a[b][]`.
    fn insert_php(&mut self, name: &str, value: Value) -> Result<(), ParamsError> {
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
        let mut slot = self.0.entry(base.to_owned()).or_insert(Value::Null);
        for key in keys {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let map = slot.as_object_mut().expect("just made an object");
            let key = if key.is_empty() {
                // `a[]`: the next integer index, as PHP numbers appended items.
                map.keys()
                    .filter_map(|k| k.parse::<u64>().ok())
                    .max()
                    .map_or(0, |n| n + 1)
                    .to_string()
            } else {
                key.to_owned()
            };
            slot = map.entry(key).or_insert(Value::Null);
        }
        *slot = value;
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A parameter's text: a string as it is, a number written out; `None` for anything else.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    /// Takes a parameter out (what a door reads itself, like `auth`, is not a method's).
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// The `boundary` parameter of a multipart Content-Type.
fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (key, value) = parameter.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// One form component: `+` is a space, `%XX` a byte; the result must be UTF-8.
fn decode_component(raw: &[u8]) -> Result<String, ParamsError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
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

fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(query: &str, content_type: Option<&str>, body: &str) -> Params {
        Params::read(query, content_type, body.as_bytes()).unwrap()
    }

    #[test]
    fn forms_nest_as_php_does() {
        let params = read("a=1&b[c]=2&d[]=x&d[]=y", None, "");
        assert_eq!(params.text("a").as_deref(), Some("1"));
        assert_eq!(params.get("b"), Some(&json!({"c": "2"})));
        assert_eq!(params.get("d"), Some(&json!({"0": "x", "1": "y"})));
    }

    #[test]
    fn the_body_wins_and_is_read_by_content() {
        let params = read(
            "id=1&apiKey=K",
            Some("application/x-www-form-urlencoded"),
            "{\"id\": 7}",
        );
        assert_eq!(params.text("id").as_deref(), Some("7"));
        assert_eq!(params.text("apiKey").as_deref(), Some("K"));
        let params = read("", Some("application/json"), "id=8&name=a+b%21");
        assert_eq!(params.text("id").as_deref(), Some("8"));
        assert_eq!(params.text("name").as_deref(), Some("a b!"));
    }

    #[test]
    fn multipart_parts_are_fields() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n42\r\n--XX\r\nContent-Disposition: form-data; name=\"data[FILES][]\"\r\n\r\nhttp://x/1\r\n--XX--\r\n";
        let params = read("", Some("multipart/form-data; boundary=XX"), body);
        assert_eq!(params.text("id").as_deref(), Some("42"));
        assert_eq!(
            params.get("data"),
            Some(&json!({"FILES": {"0": "http://x/1"}}))
        );
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
    }
}
