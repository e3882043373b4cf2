//! Reading an operation's arguments by local name, whatever their order, prefix or
//! `xsi:type`. A missing or nil argument reads as empty; one that cannot be read as its
//! type is a Client fault that names it.

use crate::cnode::soap::{Element, Fault};

pub struct Args<'a>(pub &'a Element);

impl<'a> Args<'a> {
    /// A string argument exactly as sent; empty when missing.
    pub fn text(&self, name: &str) -> Result<&'a str, Fault> {
        match self.0.child(name) {
            None => Ok(""),
            Some(element) if element.nil => Ok(""),
            Some(element) if !element.children.is_empty() => Err(Fault::client(format!(
                "argument {name} must be text, but it holds elements"
            ))),
            Some(element) => Ok(&element.text),
        }
    }

    /// A string argument that is a token (an id, a name): surrounding whitespace dropped.
    pub fn token(&self, name: &str) -> Result<&'a str, Fault> {
        Ok(self.text(name)?.trim())
    }

    /// An `xsd:boolean`; `None` when missing or empty.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, Fault> {
        match self.token(name)? {
            "" => Ok(None),
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            other => Err(Fault::client(format!(
                "argument {name} must be a boolean (true, false, 1 or 0), not \"{other}\""
            ))),
        }
    }

    /// A structured argument, if sent.
    pub fn element(&self, name: &str) -> Option<&'a Element> {
        self.0.child(name).filter(|element| !element.nil)
    }

    /// A structured argument's own arguments (empty when it was not sent).
    pub fn nested(&self, name: &str) -> Args<'a> {
        Args(self.element(name).unwrap_or(&EMPTY))
    }

    /// An unsigned integer (`xsd:unsignedLong`, `unsignedInt`, ...); `None` when missing or empty.
    pub fn unsigned(&self, name: &str) -> Result<Option<u64>, Fault> {
        match self.token(name)? {
            "" => Ok(None),
            text => text.parse().map(Some).map_err(|_| {
                Fault::client(format!(
                    "argument {name} must be an unsigned integer, not \"{text}\""
                ))
            }),
        }
    }

    /// An `xsd:unsignedInt`; `None` when missing or empty.
    pub fn unsigned_int(&self, name: &str) -> Result<Option<u32>, Fault> {
        match self.unsigned(name)? {
            None => Ok(None),
            Some(value) => u32::try_from(value).map(Some).map_err(|_| {
                Fault::client(format!(
                    "argument {name} must be an unsignedInt (at most {}), not {value}",
                    u32::MAX
                ))
            }),
        }
    }

    /// A port number (`xsd:unsignedShort`); 0 when missing.
    pub fn port(&self, name: &str) -> Result<u16, Fault> {
        let value = self.unsigned(name)?.unwrap_or(0);
        u16::try_from(value).map_err(|_| {
            Fault::client(format!(
                "argument {name} must be a port (0 to 65535), not {value}"
            ))
        })
    }

    /// A billonAmount, the first sent of `names`; `None` when missing. The currency is empty
    /// when not given (the operation picks the node's default).
    pub fn amount(&self, names: &[&str]) -> Result<Option<Amount>, Fault> {
        let Some(element) = self.0.child_of(names).filter(|e| !e.nil) else {
            return Ok(None);
        };
        let fields = Args(element);
        let Some(value) = fields.unsigned("amount")? else {
            return Ok(None);
        };
        fields.unsigned("colour")?;
        Ok(Some(Amount {
            value,
            currency: fields.token("currency")?.to_owned(),
        }))
    }

    /// The repeated `item` children of a list argument.
    pub fn items(&self, name: &str) -> Vec<&'a Element> {
        self.element(name)
            .map_or_else(Vec::new, |list| list.children.iter().collect())
    }
}

/// Refuses an argument sent twice anywhere in the call (only list `item`s repeat), since
/// which copy a node would read is anyone's guess.
pub fn refuse_repeats(element: &Element) -> Result<(), Fault> {
    if FREE_FORM.contains(&element.name.as_str()) {
        return Ok(());
    }
    // A SOAP-encoded array's children are items, whatever their names.
    if element.children.len() > 1 && !element.array {
        if let Some(name) = first_repeated(&element.children) {
            return Err(Fault::client(format!(
                "argument {name} is given more than once in {}",
                element.name
            )));
        }
    }
    element.children.iter().try_for_each(refuse_repeats)
}

/// The alphabetically first name given more than once (`item`s aside).
fn first_repeated(children: &[Element]) -> Option<&str> {
    let names = || {
        children
            .iter()
            .map(|child| child.name.as_str())
            .filter(|&name| name != "item")
    };
    // A few arguments (nearly every call) are compared pairwise, without allocating; many
    // are sorted, so a long list costs n log n.
    if children.len() <= 16 {
        return names()
            .enumerate()
            .filter(|&(at, name)| names().skip(at + 1).any(|other| other == name))
            .map(|(_, name)| name)
            .min();
    }
    let mut sorted: Vec<&str> = names().collect();
    sorted.sort_unstable();
    let pair = sorted.windows(2).find(|pair| pair[0] == pair[1])?;
    Some(pair[0])
}

/// Arguments whose content the WSDL leaves open (`xsd:any`): anything goes inside.
const FREE_FORM: &[&str] = &["plateParameters"];

static EMPTY: Element = Element::empty(String::new());

/// A billonAmount as sent: billons and a currency code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    pub value: u64,
    pub currency: String,
}

/// True when an element carries any non-blank text anywhere inside it.
pub fn has_content(element: &Element) -> bool {
    !element.text.trim().is_empty() || element.children.iter().any(has_content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(children: Vec<Element>) -> Element {
        Element {
            name: "op".into(),
            children,
            ..Element::default()
        }
    }

    fn leaf(name: &str, text: &str) -> Element {
        Element {
            name: name.into(),
            text: text.into(),
            ..Element::default()
        }
    }

    #[test]
    fn the_alphabetically_first_repeated_argument_is_named_for_few_and_many() {
        let names = ["c", "b", "item", "c", "b", "a", "item"];
        let few: Vec<Element> = names.iter().map(|name| leaf(name, "")).collect();
        assert_eq!(first_repeated(&few), Some("b"));
        let mut many: Vec<Element> = (0..40).map(|n| leaf(&format!("x{n}"), "")).collect();
        many.extend(few);
        assert_eq!(first_repeated(&many), Some("b"));
        assert_eq!(first_repeated(&many[..40]), None);
        assert_eq!(first_repeated(&[leaf("item", ""), leaf("item", "")]), None);
    }

    #[test]
    fn booleans_follow_xsd() {
        let op = element(vec![leaf("a", " true "), leaf("b", "0"), leaf("c", "yes")]);
        let args = Args(&op);
        assert_eq!(args.boolean("a").unwrap(), Some(true));
        assert_eq!(args.boolean("b").unwrap(), Some(false));
        assert_eq!(args.boolean("missing").unwrap(), None);
        assert!(args
            .boolean("c")
            .unwrap_err()
            .message
            .contains("argument c"));
    }

    #[test]
    fn text_is_kept_exactly_and_structures_are_not_text() {
        let op = element(vec![leaf("p", " secret "), element(vec![leaf("x", "1")])]);
        let args = Args(&op);
        assert_eq!(args.text("p").unwrap(), " secret ");
        assert_eq!(args.token("p").unwrap(), "secret");
        assert!(args.text("op").is_err());
    }
}
