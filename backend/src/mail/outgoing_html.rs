//! A message's HTML as the desk mails it. What people write is sanitised when it is stored
//! (`tickets::content`, `mail::parse`), but sanitising keeps remote images and any link: mailed
//! from the desk's own address, a stranger's `<img src="https://tracker…">` would tell them who
//! read the mail and when, and `<a href="https://evil…">https://bank…</a>` would be a phishing
//! link vouched for by the desk. So every message the desk mails goes through [`for_mail`]:
//!
//! - images that load from elsewhere become the text `[image: host]`; only `cid:` and `data:image/`
//!   images stay, since they load nothing;
//! - every link shows where it goes: a link whose text is its target stays; one whose text claims
//!   another address (a URL, a host name, an email address) shows its target instead; one whose
//!   text is words keeps them and gets its target after them, `words (https://target)`.
//!
//! The text part is made from the result, so it shows the same targets. html5ever's tokenizer and
//! serializer do the work on HTML that ammonia has just cleaned again (old rows included), so
//! every element is balanced, no `<a>` is nested in another and no script or style text is left.

use std::cell::RefCell;
use std::io;

use html5ever::serialize::{HtmlSerializer, SerializeOpts, Serializer};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::{local_name, ns, LocalName, QualName};

/// The message as the mail carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mailed {
    pub html: String,
    pub text: String,
}

/// The HTML of a stored message made safe to mail from the desk's address, and its text part.
pub fn for_mail(stored: &str) -> Mailed {
    let clean = crate::tickets::content::sanitize(stored);
    let html = serialize(&rewrite(tokens(&clean)));
    let text = mail_parser::decoders::html::html_to_text(&html).trim().to_owned();
    Mailed { html, text }
}

/// What the tokenizer saw, as far as the rewriting needs it.
#[derive(Debug)]
enum Piece {
    Start(Tag),
    End(LocalName),
    Text(String),
}

#[derive(Default)]
struct Collect(RefCell<Vec<Piece>>);

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut pieces = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => pieces.push(Piece::Start(tag)),
            Token::TagToken(tag) => pieces.push(Piece::End(tag.name)),
            Token::CharacterTokens(text) => match pieces.last_mut() {
                Some(Piece::Text(before)) => before.push_str(&text),
                _ => pieces.push(Piece::Text(text.to_string())),
            },
            // Comments and doctypes are gone after ammonia; NULs and parse errors carry nothing.
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokens(html: &str) -> Vec<Piece> {
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The sink never asks to stop for a script, so one feed reads everything.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

fn attribute<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value)
}

fn rewrite(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len());
    let mut pieces = pieces.into_iter();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Start(tag) if tag.name == local_name!("img") => out.push(image(tag)),
            Piece::Start(tag) if tag.name == local_name!("a") && attribute(&tag, "href").is_some() => {
                let mut inside = Vec::new();
                for piece in pieces.by_ref() {
                    match piece {
                        Piece::End(name) if name == local_name!("a") => break,
                        Piece::Start(tag) if tag.name == local_name!("img") => inside.push(image(tag)),
                        other => inside.push(other),
                    }
                }
                link(tag, inside, &mut out);
            }
            other => out.push(other),
        }
    }
    out
}

/// An image stays when it loads nothing from elsewhere; otherwise it becomes its host's name.
fn image(tag: Tag) -> Piece {
    let src = attribute(&tag, "src").unwrap_or_default().trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("cid:") || lower.starts_with("data:image/") {
        return Piece::Start(tag);
    }
    match url::Url::parse(src).ok().and_then(|u| u.host_str().map(str::to_owned)) {
        Some(host) => Piece::Text(format!("[image: {host}]")),
        None => Piece::Text("[image]".into()),
    }
}

/// A link and what it holds, rewritten so that its text shows where it goes.
fn link(mut tag: Tag, inside: Vec<Piece>, out: &mut Vec<Piece>) {
    let href = attribute(&tag, "href").unwrap_or_default().to_owned();
    let href = href.as_str();
    let target = shown_target(href);
    // The link goes exactly where it says: a URL as shown (a look-alike host as punycode).
    if let Ok(url) = url::Url::parse(href.trim()) {
        if let Some(a) = tag.attrs.iter_mut().find(|a| &*a.name.local == "href") {
            a.value = url.to_string().into();
        }
    }
    let text: String =
        inside.iter().filter_map(|p| if let Piece::Text(t) = p { Some(t.as_str()) } else { None }).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    out.push(Piece::Start(tag));
    if same_address(&text, href) || same_address(&text, &target) {
        out.extend(inside);
    } else if text.is_empty() || claims_an_address(&text) {
        out.push(Piece::Text(target));
    } else {
        out.extend(inside);
        out.push(Piece::Text(format!(" ({target})")));
    }
    out.push(Piece::End(local_name!("a")));
}

/// The target as a reader should see it: a URL as the `url` crate writes it (so a look-alike
/// host shows as its punycode), a mail address without `mailto:`, anything else as written.
fn shown_target(href: &str) -> String {
    match url::Url::parse(href.trim()) {
        Ok(url) if url.scheme() == "mailto" => url.path().to_owned(),
        Ok(url) => url.to_string(),
        Err(_) => href.trim().to_owned(),
    }
}

/// Whether a link's text names its target: the same address, give or take the scheme, a
/// trailing slash and letter case.
fn same_address(text: &str, target: &str) -> bool {
    fn bare(s: &str) -> String {
        let s = s.trim().to_lowercase();
        let s = ["https://", "http://", "mailto:"].iter().find_map(|p| s.strip_prefix(p)).unwrap_or(&s).to_owned();
        s.trim_end_matches('/').to_owned()
    }
    !text.is_empty() && bare(text) == bare(target)
}

/// Whether a link's text looks like an address of its own (which a reader would take for the
/// target): a URL, `www.…`, a mail address, or one word with a dot in it (`bank.example`).
fn claims_an_address(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("://")
        || lower.contains("www.")
        || lower.contains('@')
        || (!lower.contains(' ')
            && lower.rsplit_once('.').is_some_and(|(before, after)| {
                !before.is_empty() && after.chars().next().is_some_and(char::is_alphabetic)
            }))
}

/// Elements without content or end tag: the serializer is told of their end at once.
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

fn serialize(pieces: &[Piece]) -> String {
    let opts = SerializeOpts { create_missing_parent: true, ..SerializeOpts::default() };
    let mut serializer = HtmlSerializer::new(Vec::new(), opts);
    let html = |name: &LocalName| QualName::new(None, ns!(html), name.clone());
    let mut write = || -> io::Result<()> {
        for piece in pieces {
            match piece {
                Piece::Start(tag) => {
                    serializer.start_elem(html(&tag.name), tag.attrs.iter().map(|a| (&a.name, &*a.value)))?;
                    if is_void(&tag.name) {
                        serializer.end_elem(html(&tag.name))?;
                    }
                }
                Piece::End(name) if !is_void(name) => serializer.end_elem(html(name))?,
                Piece::End(_) => {}
                Piece::Text(text) => serializer.write_text(text)?,
            }
        }
        Ok(())
    };
    // Writing into a Vec cannot fail.
    let _ = write();
    String::from_utf8_lossy(&serializer.writer).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_images_become_their_host_and_own_ones_stay() {
        let m = for_mail(r#"<p>Hi<img src="https://tracker.example/p.gif?u=7" alt="">there</p><img src="cid:logo@x">"#);
        assert_eq!(m.html, r#"<p>Hi[image: tracker.example]there</p><img src="cid:logo@x">"#);
        assert!(m.text.contains("[image: tracker.example]"), "{}", m.text);
        let m = for_mail(r#"<img src="//tracker.example/p.gif"><img src="/relative.gif"><IMG SRC=HTTP://T.EXAMPLE/x>"#);
        assert!(!m.html.contains("<img"), "{}", m.html);
        assert!(m.html.contains("[image: t.example]"), "{}", m.html);
    }

    #[test]
    fn links_show_their_targets() {
        // Text that claims another address is replaced by the real target.
        let m = for_mail(r#"<a href="https://evil.example">https://bank.example</a>"#);
        assert_eq!(m.html, r#"<a href="https://evil.example/" rel="noopener noreferrer">https://evil.example/</a>"#);
        assert!(!m.html.contains("bank") && !m.text.contains("bank"), "{m:?}");
        assert!(m.text.contains("https://evil.example/"), "{}", m.text);
        for claim in ["www.bank.example", "bank.example", "support@bank.example", "<b>https://bank.example</b>"] {
            let m = for_mail(&format!(r#"<a href="https://evil.example/x">{claim}</a>"#));
            assert!(!m.html.contains("bank"), "{claim}: {}", m.html);
        }
        // Words keep their text and gain the target, in the text part too.
        let m = for_mail(r#"<p>Please <a href="https://evil.example/login">sign in here</a>.</p>"#);
        assert!(m.html.contains(">sign in here (https://evil.example/login)</a>."), "{}", m.html);
        assert!(m.text.contains("sign in here (https://evil.example/login)"), "{}", m.text);
        // Links that already show their target stay as they are.
        for same in [
            r#"<a href="https://example.com/a">https://example.com/a</a>"#,
            r#"<a href="https://example.com/">example.com</a>"#,
            r#"<a href="mailto:help@example.com">help@example.com</a>"#,
        ] {
            let m = for_mail(same);
            assert!(!m.html.contains(" ("), "{same}: {}", m.html);
        }
        // A linked image: the image goes, the link shows where it led.
        let m = for_mail(r#"<a href="https://shop.example/"><img src="https://cdn.example/b.png"></a>"#);
        assert!(m.html.contains(">[image: cdn.example] (https://shop.example/)</a>"), "{}", m.html);
        // A look-alike host shows as the punycode it is.
        let m = for_mail(r#"<a href="https://bаnk.example/">bank.example</a>"#);
        assert_eq!(
            m.html,
            r#"<a href="https://xn--bnk-6cd.example/" rel="noopener noreferrer">https://xn--bnk-6cd.example/</a>"#
        );
    }

    #[test]
    fn markup_and_text_survive_and_nothing_unsafe_comes_back() {
        let m = for_mail(
            "<p>a &lt;b&gt; &amp; c</p><ul><li>one<br>two</li></ul><a>no target</a><script>x</script><img src=x onerror=alert(1)>",
        );
        assert_eq!(
            m.html,
            "<p>a &lt;b&gt; &amp; c</p><ul><li>one<br>two</li></ul><a rel=\"noopener noreferrer\">no target</a>[image]"
        );
        assert!(m.text.contains("a <b> & c"), "{}", m.text);
        assert_eq!(for_mail("").html, "");
    }
}
