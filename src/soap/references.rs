//! SOAP 1.1 encoding's multi-reference values (§5.4.1): `<amount href="#id0"/>` stands for
//! the element elsewhere in the Body that carries `id="id0"`, usually a `<multiRef>` after
//! the operation element, as Apache Axis 1 sends every structure. Each reference is replaced
//! by a copy of what it points to, so operations never see one.
//!
//! A copy is bounded like parsing is: references can fan out (a DAG expands to a tree), so
//! every copied element counts against the same element and depth limits.

use std::collections::HashMap;

use super::message::{Element, Fault};
use super::parse::ParseLimits;

/// Replaces every `href` inside `operation` with what it points to, among all `id`s of the
/// operation and of the Body's other entries.
pub fn resolve(
    operation: &mut Element,
    others: Vec<Element>,
    limits: &ParseLimits,
    counted: usize,
) -> Result<(), Fault> {
    let mut targets = HashMap::new();
    collect_ids(operation, &mut targets)?;
    for other in &others {
        collect_ids(other, &mut targets)?;
    }
    let mut resolver = Resolver {
        targets: &targets,
        limits,
        elements: counted,
        following: Vec::new(),
    };
    resolver.resolve(operation, 1)
}

/// Every element with an `id`, copied out (the operation is about to change).
fn collect_ids(element: &Element, targets: &mut HashMap<String, Element>) -> Result<(), Fault> {
    if let Some(id) = element.id.as_deref() {
        if targets.insert(id.to_owned(), element.clone()).is_some() {
            return Err(Fault::client(format!(
                "id \"{id}\" is given to two elements: a reference to it would be ambiguous"
            )));
        }
    }
    element
        .children
        .iter()
        .try_for_each(|child| collect_ids(child, targets))
}

struct Resolver<'e, 'l> {
    targets: &'e HashMap<String, Element>,
    limits: &'l ParseLimits,
    elements: usize,
    /// The references being followed, outermost first: one met again is a circle.
    following: Vec<String>,
}

impl Resolver<'_, '_> {
    fn resolve(&mut self, element: &mut Element, depth: usize) -> Result<(), Fault> {
        if let Some(href) = element.href.take() {
            self.follow(element, &href, depth)?;
            return Ok(());
        }
        for child in &mut element.children {
            self.resolve(child, depth + 1)?;
        }
        Ok(())
    }

    fn follow(&mut self, element: &mut Element, href: &str, depth: usize) -> Result<(), Fault> {
        let Some(id) = href.strip_prefix('#') else {
            return Err(Fault::client(format!(
                "<{}> refers to \"{href}\": only references within the message (\"#id\") are followed",
                element.name
            )));
        };
        let targets = self.targets;
        let Some(target) = targets.get(id) else {
            return Err(Fault::client(format!(
                "<{}> refers to \"#{id}\", but no element in the Body has id=\"{id}\"",
                element.name
            )));
        };
        if self.following.iter().any(|followed| followed == id) {
            return Err(Fault::client(format!(
                "the reference \"#{id}\" leads back to itself: {} -> {id}",
                self.following.join(" -> ")
            )));
        }
        self.following.push(id.to_owned());
        if let Some(next) = target.href.as_deref() {
            // A reference to a reference: follow the chain.
            self.follow(element, next, depth)?;
            self.following.pop();
            return Ok(());
        }
        element.text.clone_from(&target.text);
        element.nil = target.nil;
        element.array = target.array;
        element.children = self.copy(&target.children, depth + 1)?;
        for child in &mut element.children {
            self.resolve(child, depth + 1)?;
        }
        self.following.pop();
        Ok(())
    }

    /// A copy of a target's content, counted against the limits as it is made.
    fn copy(&mut self, children: &[Element], depth: usize) -> Result<Vec<Element>, Fault> {
        if children.is_empty() {
            return Ok(Vec::new());
        }
        if depth > self.limits.max_depth {
            return Err(Fault::client(format!(
                "the operation nests deeper than {} elements once its references are followed",
                self.limits.max_depth
            )));
        }
        self.elements += children.len();
        if self.elements > self.limits.max_elements {
            return Err(Fault::client(format!(
                "the operation holds more than {} elements and attributes once its references are followed",
                self.limits.max_elements
            )));
        }
        children
            .iter()
            .map(|child| {
                Ok(Element {
                    children: self.copy(&child.children, depth + 1)?,
                    ..child.shallow_clone()
                })
            })
            .collect()
    }
}
