//! Markdown as agents write it (`"format": "markdown"` on a reply or note): CommonMark with
//! tables and strikethrough, and a line break wherever the writer broke the line (as in chat and
//! GitHub comments), so that plain text reads as it was typed. The HTML is not safe as it is: the
//! server sanitises it before storing it (`tickets::content`), the desk's preview shows it through
//! the safe copy its thread uses (`ui::message_html`).

use pulldown_cmark::{html, Event, Options, Parser};

/// The HTML this Markdown stands for (unsanitised).
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_becomes_html_and_lines_stay_lines() {
        assert_eq!(to_html("**Restart** the _router_"), "<p><strong>Restart</strong> the <em>router</em></p>\n");
        assert_eq!(to_html("Hello,\nit works"), "<p>Hello,<br />\nit works</p>\n");
        assert_eq!(to_html("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
        assert!(to_html("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
        assert_eq!(to_html("~~old~~"), "<p><del>old</del></p>\n");
    }
}
