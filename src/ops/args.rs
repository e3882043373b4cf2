//! Reading an operation's arguments by local name, whatever their order, prefix or
//! `xsi:type`. A missing or nil argument reads as empty; one that cannot be read as its
//! type is a Client fault that names it.

use crate::soap::{Element, Fault};

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
