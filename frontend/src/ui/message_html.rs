//! An HTML message shown as HTML, with remote images held back until the reader asks for them.
//!
//! The server sanitised the message when it stored it; this is a second, narrower pass of our
//! own, so that what reaches the page is only what this list allows, whatever a stored row holds.
//! The message is parsed into an inert document (`DOMParser`: nothing in it runs or loads), and a
//! copy is built in that same document from text nodes and allowed elements, each with only its
//! allowed attributes: links to `http(s):` and `mailto:` (opening in a new tab, showing their
//! target on hover), images from `data:image/…`, tables, lists, quotes, headings, emphasis. An image
//! from elsewhere would tell its sender who read the message and when, so it is the text
//! `[image: host]` until the reader presses "Show remote images" for that message; then it
//! loads without a referrer. A picture of the message's own (`cid:name`, one of its attachments)
//! shows from where the caller has it (`pictures`: an object URL of the attachment, read with the
//! session, or a data URL of a file being written), and is `[image]` until then. The Content-Security-Policy (`core/http/spa.rs`) allows `https:`
//! images for that second step and still refuses `http:` ones, scripts, frames and objects.

use wasm_bindgen::JsCast;
use web_sys::{Document, DomParser, Element, Node, SupportedType};

/// The copy to put into the page, and how many remote images it holds (shown or not).
pub struct Shown {
    pub html: String,
    pub remote_images: usize,
}

/// The pictures of a message's own, by their `cid:` name: where each shows from.
pub type Pictures = [(String, String)];

/// The message rendered for the page, a search's words marked in its text; None when the browser
/// cannot parse it (the caller shows its text instead).
pub fn render(stored: &str, show_remote_images: bool, terms: &[String], pictures: &Pictures) -> Option<Shown> {
    let document = DomParser::new().ok()?.parse_from_string(stored, SupportedType::TextHtml).ok()?;
    let body = document.body()?;
    let copy = document.create_element("div").ok()?;
    let mut walk = Walk { document: &document, show_remote_images, remote_images: 0, terms, pictures };
    walk.children(&body, &copy);
    Some(Shown { html: copy.inner_html(), remote_images: walk.remote_images })
}

/// Elements copied as themselves (their content is walked too).
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Elements dropped with their content: code, styles, embedded documents, metadata.
const DROPPED: &[&str] = &[
    "script", "style", "template", "iframe", "object", "embed", "svg", "math", "noscript", "title", "head", "frame",
    "frameset", "audio", "video", "canvas", "form", "select", "textarea", "button", "input",
];

struct Walk<'a> {
    document: &'a Document,
    show_remote_images: bool,
    remote_images: usize,
    terms: &'a [String],
    pictures: &'a Pictures,
}

impl Walk<'_> {
    fn children(&mut self, from: &Node, into: &Node) {
        let mut child = from.first_child();
        while let Some(node) = child {
            self.node(&node, into);
            child = node.next_sibling();
        }
    }

    fn node(&mut self, node: &Node, into: &Node) {
        match node.node_type() {
            Node::TEXT_NODE => self.text(&node.text_content().unwrap_or_default(), into),
            Node::ELEMENT_NODE => {
                let Some(element) = node.dyn_ref::<Element>() else { return };
                let tag = element.local_name().to_ascii_lowercase();
                if DROPPED.contains(&tag.as_str()) {
                    return;
                }
                if !ALLOWED.contains(&tag.as_str()) {
                    // Unknown wrappers (`font`, `center`, …) go; what they held stays.
                    self.children(node, into);
                    return;
                }
                let copy = match tag.as_str() {
                    "img" => self.image(element),
                    "a" => self.link(element),
                    _ => self.plain(&tag, element),
                };
                if let Some(copy) = copy {
                    if tag != "img" {
                        self.children(node, &copy);
                    }
                    let _ = into.append_child(&copy);
                }
            }
            // Comments, processing instructions and the like carry nothing to show.
            _ => {}
        }
    }

    /// Text, with the search's words in `<mark>`.
    fn text(&self, text: &str, into: &Node) {
        let mut at = 0;
        for range in shared::search::term_ranges(text, self.terms) {
            let _ = into.append_child(&self.document.create_text_node(&text[at..range.start]));
            if let Ok(mark) = self.document.create_element("mark") {
                mark.set_text_content(Some(&text[range.clone()]));
                let _ = into.append_child(&mark);
            }
            at = range.end;
        }
        let _ = into.append_child(&self.document.create_text_node(&text[at..]));
    }

    fn plain(&self, tag: &str, element: &Element) -> Option<Node> {
        let copy = self.document.create_element(tag).ok()?;
        if matches!(tag, "td" | "th") {
            for name in ["colspan", "rowspan"] {
                if let Some(value) = element.get_attribute(name).filter(|v| v.parse::<u16>().is_ok()) {
                    let _ = copy.set_attribute(name, &value);
                }
            }
        }
        Some(copy.into())
    }

    fn link(&self, element: &Element) -> Option<Node> {
        let copy = self.document.create_element("a").ok()?;
        let href = element.get_attribute("href").unwrap_or_default();
        let lower = href.trim().to_ascii_lowercase();
        if ["https:", "http:", "mailto:"].iter().any(|scheme| lower.starts_with(scheme)) {
            let _ = copy.set_attribute("href", href.trim());
            // Hovering shows the real target whatever the text claims.
            let _ = copy.set_attribute("title", href.trim());
            let _ = copy.set_attribute("target", "_blank");
            let _ = copy.set_attribute("rel", "noopener noreferrer nofollow");
        }
        Some(copy.into())
    }

    fn image(&mut self, element: &Element) -> Option<Node> {
        let src = element.get_attribute("src").unwrap_or_default().trim().to_owned();
        let lower = src.to_ascii_lowercase();
        let remote = if lower.starts_with("//") { Some(format!("https:{src}")) } else { None }
            .or_else(|| (lower.starts_with("https:") || lower.starts_with("http:")).then(|| src.clone()));
        let own = lower.strip_prefix("cid:").map(|_| cid_name(&src[4..]));
        let own = own.and_then(|name| self.pictures.iter().find(|(n, _)| *n == name)).map(|(_, at)| at.clone());
        let inline = lower.starts_with("data:image/") || own.is_some();
        if let Some(url) = &remote {
            self.remote_images += 1;
            if !self.show_remote_images {
                let host = web_sys::Url::new(url).map(|u| u.hostname()).unwrap_or_default();
                let placeholder = self.document.create_element("span").ok()?;
                placeholder.set_class_name("remote-image");
                placeholder.set_text_content(Some(&format!("[image: {host}]")));
                return Some(placeholder.into());
            }
        } else if !inline {
            // A picture of its own not at hand (yet), relative and other addresses show nothing.
            return Some(self.document.create_text_node("[image]").into());
        }
        let copy = self.document.create_element("img").ok()?;
        let _ = copy.set_attribute("src", own.as_deref().or(remote.as_deref()).unwrap_or(&src));
        // The sender learns neither the desk's address nor the ticket's.
        let _ = copy.set_attribute("referrerpolicy", "no-referrer");
        for name in ["alt", "width", "height"] {
            if let Some(value) = element.get_attribute(name) {
                if name == "alt" || value.parse::<u16>().is_ok() {
                    let _ = copy.set_attribute(name, &value);
                }
            }
        }
        Some(copy.into())
    }
}

/// A `cid:` address's name as the attachment carries it (`my%20shot.png` is `my shot.png`).
pub fn cid_name(encoded: &str) -> String {
    js_sys::decode_uri_component(encoded.trim()).map(String::from).unwrap_or_else(|_| encoded.trim().to_owned())
}
