//! What reading a definition may cost, bounded before anything is deserialized.
//!
//! A YAML alias repeats the node its anchor names, so a 42 kB document (a 6,000-item list, then
//! 6,000 aliases to it) stands for 36 million nodes, and the parser's own alias limit counts
//! jumps, not what each jump repeats. Deep nesting costs the parser time in proportion to the
//! depth for every token, and its depth limit is applied only once the whole document has been
//! read. So a YAML document is first read here, event by event, counting its nodes and text with
//! every alias counted as what it repeats, and its depth, and refused at the first event past a
//! limit, before the rest of the document is read.
//!
//! The events come from `libyaml-safer`, a line-by-line port of the libyaml that serde_norway
//! parses with: both read the same grammar, so the events counted here are the ones the
//! deserializer would see. A document this reader cannot parse is handed on unchecked, for the
//! deserializer's own message: the events before the error were counted, and those are all the
//! deserializer reads.
//!
//! JSON has no aliases, and serde_json refuses nesting deeper than 128 as it reads; its nodes
//! are counted by deserializing into a counter that keeps nothing.

use std::collections::HashMap;
use std::fmt;

use libyaml_safer::{EventData, Mark, Parser};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::DefinitionError;

/// The most collections (lists and maps) a definition may have inside one another; the format
/// itself needs eight. serde_json's limit is the same.
pub const MAX_DEPTH: usize = 128;
/// The most nodes (scalars, lists and maps) a definition may have, every alias counted as the
/// nodes it repeats. The shipped instrument has about 3,000. Reading costs about a kilobyte a
/// node once aliases are expanded (the definitions benchmark: 96,000 nodes took 100 MB).
pub const MAX_NODES: u64 = 50_000;
/// The most bytes of text (scalars) a definition may have, every alias counted as the text it
/// repeats: the largest body the server takes by default.
pub const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;

/// The kind of limit a document went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Nested deeper than [`MAX_DEPTH`].
    Depth,
    /// More than [`MAX_NODES`] nodes or [`MAX_TEXT_BYTES`] of text once aliases are expanded.
    Size,
}

/// What the document holds so far, aliases expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    nodes: u64,
    text: u64,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.text = self.text.saturating_add(other.text);
    }

    fn since(self, start: Cost) -> Cost {
        Cost {
            nodes: self.nodes - start.nodes,
            text: self.text - start.text,
        }
    }
}

fn limited(limit: Limit, message: String) -> DefinitionError {
    DefinitionError {
        path: String::new(),
        message,
        limit: Some(limit),
    }
}

fn refused(message: String) -> DefinitionError {
    DefinitionError {
        path: String::new(),
        message,
        limit: None,
    }
}

fn too_deep(at: impl fmt::Display) -> DefinitionError {
    limited(
        Limit::Depth,
        format!(
            "the document nests lists and maps more than {MAX_DEPTH} deep at {at}; a definition may nest at most {MAX_DEPTH}"
        ),
    )
}

fn over_budget(cost: Cost, at: impl fmt::Display) -> Option<DefinitionError> {
    if cost.nodes > MAX_NODES {
        Some(limited(
            Limit::Size,
            format!(
                "the document has more than {MAX_NODES} nodes by {at}, counting each alias as the nodes it repeats; a definition may have at most {MAX_NODES}"
            ),
        ))
    } else if cost.text > MAX_TEXT_BYTES {
        Some(limited(
            Limit::Size,
            format!(
                "the document has more than {MAX_TEXT_BYTES} bytes of text by {at}, counting each alias as the text it repeats; a definition may have at most {MAX_TEXT_BYTES}"
            ),
        ))
    } else {
        None
    }
}

/// Reads a YAML document's events, refusing it at the first one past a limit, an alias inside
/// the node it names, or a second document.
pub fn check_yaml(text: &str) -> Result<(), DefinitionError> {
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut total = Cost::default();
    // Anchor names to the node they name now (a name may be given again), and what each named
    // node holds once it has ended (`None` while it is open).
    let mut anchors: HashMap<String, usize> = HashMap::new();
    let mut named: Vec<Option<Cost>> = Vec::new();
    // The open lists and maps: the anchored node each is, and what the document held before it.
    let mut open: Vec<Option<(usize, Cost)>> = Vec::new();
    let mut documents = 0;
    loop {
        let Ok(event) = parser.parse() else {
            return Ok(());
        };
        let at = Place(event.start_mark);
        match event.data {
            EventData::StreamEnd => return Ok(()),
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    return Err(refused(format!(
                        "a second document begins at {at}; a definition is one YAML document"
                    )));
                }
            }
            EventData::Alias { anchor } => match anchors.get(&anchor).map(|&id| named[id]) {
                Some(Some(cost)) => total.add(cost),
                Some(None) => {
                    return Err(refused(format!(
                        "the alias *{anchor} at {at} is inside the node it names"
                    )));
                }
                // The deserializer reports an alias without an anchor.
                None => total.add(Cost { nodes: 1, text: 0 }),
            },
            EventData::Scalar { anchor, value, .. } => {
                let cost = Cost {
                    nodes: 1,
                    text: value.len() as u64,
                };
                total.add(cost);
                if let Some(anchor) = anchor {
                    anchors.insert(anchor, named.len());
                    named.push(Some(cost));
                }
            }
            EventData::SequenceStart { anchor, .. } | EventData::MappingStart { anchor, .. } => {
                let before = total;
                total.add(Cost { nodes: 1, text: 0 });
                let id = anchor.map(|anchor| {
                    anchors.insert(anchor, named.len());
                    named.push(None);
                    named.len() - 1
                });
                open.push(id.map(|id| (id, before)));
                if open.len() > MAX_DEPTH {
                    return Err(too_deep(at));
                }
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                if let Some(Some((id, before))) = open.pop() {
                    named[id] = Some(total.since(before));
                }
            }
        }
        if let Some(error) = over_budget(total, at) {
            return Err(error);
        }
    }
}

/// A place in the document, as the YAML parser's messages write it.
struct Place(Mark);

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} column {}", self.0.line + 1, self.0.column + 1)
    }
}

/// Counts a JSON document's nodes as serde_json reads it, keeping nothing, and refuses it past
/// [`MAX_NODES`] or [`MAX_TEXT_BYTES`]; a document serde_json cannot read is handed on for its
/// own message. (serde_json itself refuses nesting deeper than 128 as it reads.)
pub fn check_json(text: &str) -> Result<(), DefinitionError> {
    let mut total = Cost::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let Err(error) = deserializer.deserialize_any(Counter(&mut total)) else {
        return Ok(());
    };
    let at = format!("line {} column {}", error.line(), error.column());
    if let Some(refusal) = over_budget(total, &at) {
        Err(refusal)
    } else if error.to_string().starts_with("recursion limit exceeded") {
        Err(too_deep(at))
    } else {
        Ok(())
    }
}

/// Adds every node it is shown to the total, and fails once the total is over a limit.
struct Counter<'a>(&'a mut Cost);

impl Counter<'_> {
    fn count<E: de::Error>(&mut self, text: usize) -> Result<(), E> {
        self.0.add(Cost {
            nodes: 1,
            text: text as u64,
        });
        match over_budget(*self.0, "") {
            Some(_) => Err(E::custom("over the limit")),
            None => Ok(()),
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for Counter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(mut self, _: bool) -> Result<(), E> {
        self.count(0)
    }

    fn visit_i64<E: de::Error>(mut self, _: i64) -> Result<(), E> {
        self.count(0)
    }

    fn visit_u64<E: de::Error>(mut self, _: u64) -> Result<(), E> {
        self.count(0)
    }

    fn visit_f64<E: de::Error>(mut self, _: f64) -> Result<(), E> {
        self.count(0)
    }

    fn visit_str<E: de::Error>(mut self, text: &str) -> Result<(), E> {
        self.count(text.len())
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.count(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.count(0)?;
        while seq.next_element_seed(Counter(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.count(0)?;
        while map.next_key_seed(Counter(&mut *self.0))?.is_some() {
            map.next_value_seed(Counter(&mut *self.0))?;
        }
        Ok(())
    }
}
