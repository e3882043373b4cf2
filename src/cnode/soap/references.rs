//! SOAP 1.1 encoding's multi-reference values (§5.4.1): `<amount href="#id0"/>` stands for
//! the element elsewhere in the Body that carries `id="id0"`, usually a `<multiRef>` after
//! the operation element, as Apache Axis 1 sends every structure. Each reference is replaced
//! by a copy of what it points to, so operations never see one.
//!
//! Following references costs what the message could cost to parse, never more: every
//! element copied and every step along a chain of references counts against the element
//! limit, copies nest no deeper than the depth limit, and the text copied (and the targets
//! set aside) may add up to no more than the message itself holds.

use std::collections::{HashMap, HashSet};

use super::message::{Element, Fault};
use super::parse::ParseLimits;

/// Replaces every `href` inside `operation` with what it points to, among all `id`s of the
/// operation and of the Body's other entries. `counted` is how many elements and attributes
/// parsing already counted; `message_size` is the size of the decoded message.
pub fn resolve(
    operation: &mut Element,
    others: Vec<Element>,
    limits: &ParseLimits,
    counted: usize,
    message_size: usize,
) -> Result<(), Fault> {
    let mut budget = Budget {
        limits,
        elements: counted,
        text_left: message_size,
    };
    let mut targets = HashMap::new();
    // The Body's other entries are moved in; an id nested deeper (or inside the operation,
    // which is about to change) is copied, and the copy is paid for.
    for other in others {
        collect_nested(&other, &mut targets, &mut budget)?;
        if let Some(id) = other.id().map(str::to_owned) {
            insert(&mut targets, id, other)?;
        }
    }
    collect_nested(operation, &mut targets, &mut budget)?;
    if let Some(id) = operation.id().map(str::to_owned) {
        let copy = budget.copy_whole(operation, 1)?;
        insert(&mut targets, id, copy)?;
    }
    let mut resolver = Resolver {
        targets: &targets,
        budget,
        open: Vec::new(),
    };
    resolver.resolve(operation, 1)
}

fn insert(
    targets: &mut HashMap<String, Element>,
    id: String,
    element: Element,
) -> Result<(), Fault> {
    if targets.contains_key(&id) {
        return Err(Fault::client(format!(
            "id \"{id}\" is given to two elements: a reference to it would be ambiguous"
        )));
    }
    targets.insert(id, element);
    Ok(())
}

/// Every element below `element` that has an `id`, copied out.
fn collect_nested(
    element: &Element,
    targets: &mut HashMap<String, Element>,
    budget: &mut Budget,
) -> Result<(), Fault> {
    for child in &element.children {
        if let Some(id) = child.id().map(str::to_owned) {
            let copy = budget.copy_whole(child, 1)?;
            insert(targets, id, copy)?;
        }
        collect_nested(child, targets, budget)?;
    }
    Ok(())
}

/// What following references may still cost.
struct Budget<'l> {
    limits: &'l ParseLimits,
    elements: usize,
    text_left: usize,
}

impl Budget<'_> {
    fn count_elements(&mut self, n: usize) -> Result<(), Fault> {
        self.elements += n;
        if self.elements > self.limits.max_elements {
            return Err(Fault::client(format!(
                "the operation holds more than {} elements and attributes once its references are followed",
                self.limits.max_elements
            )));
        }
        Ok(())
    }

    fn pay_text(&mut self, text: &str) -> Result<(), Fault> {
        self.text_left = self.text_left.checked_sub(text.len()).ok_or_else(|| {
            Fault::client(
                "following the references would copy more text than the whole message holds",
            )
        })?;
        Ok(())
    }

    fn check_depth(&self, depth: usize) -> Result<(), Fault> {
        if depth > self.limits.max_depth {
            return Err(Fault::client(format!(
                "the operation nests deeper than {} elements once its references are followed",
                self.limits.max_depth
            )));
        }
        Ok(())
    }

    /// A copy of an element and everything in it, paid for.
    fn copy_whole(&mut self, element: &Element, depth: usize) -> Result<Element, Fault> {
        self.check_depth(depth)?;
        self.count_elements(1)?;
        self.pay_text(&element.text)?;
        Ok(Element {
            children: element
                .children
                .iter()
                .map(|child| self.copy_whole(child, depth + 1))
                .collect::<Result<_, _>>()?,
            ..element.shallow_clone()
        })
    }
}

struct Resolver<'e, 'l> {
    targets: &'e HashMap<String, Element>,
    budget: Budget<'l>,
    /// The ids whose content is being resolved, outermost first: meeting one again inside
    /// its own content is a circle.
    open: Vec<&'e str>,
}

impl<'e> Resolver<'e, '_> {
    fn resolve(&mut self, element: &mut Element, depth: usize) -> Result<(), Fault> {
        let Some(href) = element.take_href() else {
            for child in &mut element.children {
                self.resolve(child, depth + 1)?;
            }
            return Ok(());
        };
        let (path, target) = self.target_of(&element.name, &href)?;
        if let Some(again) = path.iter().find(|id| self.open.contains(id)) {
            return Err(Fault::client(format!(
                "the reference \"#{again}\" leads back to itself: {} -> {}",
                self.open.join(" -> "),
                path.join(" -> ")
            )));
        }
        {
            // The referring element keeps its own name; what it says of itself (nil, an
            // array) stands, and the target's content comes in.
            element.nil |= target.nil;
            element.array |= target.array;
            self.budget.pay_text(&target.text)?;
            element.text.clone_from(&target.text);
            element.children = target
                .children
                .iter()
                .map(|child| self.budget.copy_whole(child, depth + 1))
                .collect::<Result<_, _>>()?;
        }
        let open = self.open.len();
        self.open.extend(&path);
        for child in &mut element.children {
            self.resolve(child, depth + 1)?;
        }
        self.open.truncate(open);
        Ok(())
    }

    /// The element a reference ends at, following a chain of references step by step
    /// (each step counted), refusing one that leads in a circle.
    fn target_of(&mut self, name: &str, href: &str) -> Result<(Vec<&'e str>, &'e Element), Fault> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut path: Vec<&'e str> = Vec::new();
        let mut href = href;
        loop {
            let Some(id) = href.strip_prefix('#') else {
                return Err(Fault::client(format!(
                    "<{name}> refers to \"{href}\": only references within the message (\"#id\") are followed"
                )));
            };
            let Some((key, target)) = self.targets.get_key_value(id) else {
                return Err(Fault::client(format!(
                    "<{name}> refers to \"#{id}\", but no element in the Body has id=\"{id}\""
                )));
            };
            path.push(key);
            if !seen.insert(key) {
                return Err(Fault::client(format!(
                    "the reference \"#{id}\" leads back to itself: {}",
                    path.join(" -> ")
                )));
            }
            self.budget.count_elements(1)?;
            match target.href() {
                // A reference to a reference: one more step.
                Some(next) => href = next,
                None => return Ok((path, target)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cnode::soap::{parse_call, Call, Fault, ParseLimits};

    fn parse(body_entries: &str) -> Result<Call, Fault> {
        let xml = format!(
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>{body_entries}</e:Body></e:Envelope>"#
        );
        parse_call(xml.as_bytes(), &ParseLimits::default())
    }

    #[test]
    fn shared_and_chained_references_are_copied_in() {
        let call = parse(
            r##"<op><a href="#x"/><b href="#y"/></op><m id="x"><v>1</v></m><m id="y" href="#x"/>"##,
        )
        .unwrap();
        for name in ["a", "b"] {
            let element = call.body.child(name).unwrap();
            assert_eq!(element.child("v").unwrap().text, "1");
            assert_eq!(element.href(), None);
        }
    }

    #[test]
    fn a_big_text_referenced_many_times_costs_no_more_than_the_message() {
        let big = "x".repeat(100_000);
        let references = r##"<a href="#t"/>"##.repeat(2_000);
        let fault = parse(&format!("<op>{references}</op><m id=\"t\">{big}</m>")).unwrap_err();
        assert!(
            fault.message.contains("more text than the whole message"),
            "{fault}"
        );
    }

    #[test]
    fn every_step_along_a_chain_counts() {
        let chain: String = (0..500)
            .map(|i| format!(r##"<m id="i{i}" href="#i{}"/>"##, i + 1))
            .collect();
        let references = r##"<a href="#i0"/>"##.repeat(100);
        let fault = parse(&format!(
            r#"<op>{references}</op>{chain}<m id="i500">end</m>"#
        ))
        .unwrap_err();
        assert!(
            fault.message.contains("once its references are followed"),
            "{fault}"
        );
    }

    #[test]
    fn an_array_is_soap_encodings_and_the_referring_element_keeps_what_it_says() {
        let array = parse(
            r##"<op xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:x="http://www.w3.org/2001/XMLSchema-instance"><l enc:arrayType="t[2]" href="#l"/><k x:type="enc:Array"/><j x:type="other:Array" xmlns:other="urn:other"/></op><m id="l"><i>1</i><i>2</i></m>"##,
        )
        .unwrap();
        assert!(array.body.child("l").unwrap().array);
        assert!(array.body.child("k").unwrap().array);
        assert!(!array.body.child("j").unwrap().array);
    }
}
