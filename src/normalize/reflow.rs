//! Lines broken inside a sentence. Some sources wrap their text at a fixed width ("… tổ chức
//! hội nghị tổng kết\ncông tác thi đua năm 2023"); rules read a sentence within a line, so such
//! breaks are joined. A break becomes a space: the text keeps its length, and offsets into it
//! stay what they were.

/// Characters that end a line at the end of a sentence or a heading's lead-in.
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '…', '"', '”', '\'', ')', '»'])
}

/// The first character of a line, after its leading spaces.
fn first_char(line: &str) -> Option<char> {
    line.trim_start().chars().next()
}

/// Joins the lines broken inside a sentence: a non-empty line that does not end a sentence,
/// followed by a line that starts in lower case, and a line ending in a comma followed by a
/// word. A text wrapped at a fixed width (three breaks before lower case or more, or one and
/// lines of even length: `even_lines`) also has its breaks joined
/// after long lines (three fifths of the width its broken lines reach, 30 to 50 characters)
/// that do not end a sentence, before a proper noun, a number or a quotation carried to the
/// next line ("… Giám đốc\nSở Y tế", "cụm thi đua số\n3"), and after a long line ending in a
/// colon or semicolon when the next line is long too; a line that starts a list item ("- ",
/// "1.", "+") stays.
pub fn join_broken_lines(text: String) -> String {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .scan(0, |start, line| {
            let at = *start;
            *start += line.len() + 1;
            Some((at, line))
        })
        .collect();
    let continues = |a: &str, b: &str| {
        !a.trim().is_empty() && !ends_sentence(a) && first_char(b).is_some_and(char::is_lowercase)
    };
    // The breaks before lower case, and the width the lines broken there reach.
    let (mut lower_breaks, mut width) = (0, 0);
    for w in lines.windows(2).filter(|w| continues(w[0].1, w[1].1)) {
        lower_breaks += 1;
        width = width.max(w[0].1.trim_end().chars().count());
    }
    let wrapped = lower_breaks >= 3 || lower_breaks >= 1 && even_lines(&lines);
    // A long line of a wrapped text: three fifths of that width (at 80 columns 48
    // characters, at 60 columns 36), between 30 and 50.
    let long = (width * 3 / 5).clamp(30, 50);
    let mut breaks: Vec<usize> = Vec::new();
    // Inside a list of items ending in semicolons, one a line, whose intro and first item
    // share a line ("… gồm: Sở Y tế;\nSở Tư pháp;\nSở Nội vụ.").
    let mut semicolon_list = false;
    for w in lines.windows(2) {
        let ((at, a), (_, b)) = (w[0], w[1]);
        // A semicolon never ends a paragraph before lower case ("… Khối trưởng;\nđồng chí
        // B, …"); before a capital it goes on a list whose intro and first item share a line,
        // item by item (a line ending in a semicolon or a full stop), never past a list item
        // of its own ("- Sở Y tế;") or a line such as a caption.
        let after_semicolon = a.trim_end().ends_with(';')
            && !starts_list_item(b)
            && (first_char(b).is_some_and(char::is_lowercase)
                || (semicolon_list || item_after_colon(a))
                    && first_char(b).is_some_and(char::is_uppercase)
                    && b.trim_end().ends_with([';', '.']));
        semicolon_list = after_semicolon && b.trim_end().ends_with(';');
        let joined = after_semicolon
            || continues(a, b)
            // "… Công an tỉnh, Viện KSND tỉnh,\nTòa án nhân dân tỉnh …": a comma never ends a
            // paragraph, whatever the next line starts with (but a list item of its own).
            || a.trim_end().ends_with(',')
                && !starts_list_item(b)
                && first_char(b).is_some_and(char::is_alphanumeric)
            || wrapped
                && !a.trim().is_empty()
                && a.chars().count() >= long
                && !starts_list_item(b)
                && (!ends_sentence(a) && first_char(b).is_some_and(opens_wrapped_word)
                    // "… gồm:\nLạng Sơn, Sơn La …", "…; Sở Nội vụ;\nSở Y tế; …": a colon or
                    // semicolon inside a paragraph, when the next line is long too (list
                    // items on lines of their own are short).
                    || a.trim_end().ends_with([':', ';']) && b.chars().count() >= long);
        if joined {
            breaks.push(at + a.len());
        }
    }
    if breaks.is_empty() {
        return text;
    }
    let mut bytes = text.into_bytes();
    for p in breaks {
        bytes[p] = b' ';
    }
    // An ASCII byte replaced by another: still UTF-8.
    String::from_utf8(bytes).expect("a newline replaced by a space keeps the text UTF-8")
}

/// Lines of a text wrapped at a fixed width, told by their lengths: a short text has too few
/// breaks before lower case to tell, but its lines inside paragraphs (followed by another
/// line) run close to one width — four or more of them, at most 100 characters, four in five
/// within a fifth of the longest.
fn even_lines(lines: &[(usize, &str)]) -> bool {
    let inner: Vec<usize> = lines
        .windows(2)
        .filter(|w| !w[0].1.trim().is_empty() && !w[1].1.trim().is_empty())
        .map(|w| w[0].1.trim_end().chars().count())
        .collect();
    let Some(&width) = inner.iter().max() else {
        return false;
    };
    let near = inner.iter().filter(|&&n| 5 * n >= 4 * width).count();
    inner.len() >= 4 && (50..=100).contains(&width) && 5 * near >= 4 * inner.len()
}

/// A character that can open a word carried to the next line of a wrapped text: a capital
/// ("Sở Y tế"), a digit ("số\n3"), an opening quote or bracket.
fn opens_wrapped_word(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '“' | '"' | '(' | '«')
}

/// A line holding a colon with text after it: a list's intro and its first item ("Khối gồm:
/// Sở Y tế;").
fn item_after_colon(line: &str) -> bool {
    line.rfind(':').is_some_and(|i| {
        line[i + 1..]
            .trim()
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    })
}

/// A line that opens a list item or a numbered point ("- Sở Y tế", "1. Kết quả", "+ Sở …").
fn starts_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['-', '+', '*', '•', '–'])
        || t.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_a_break_before_lower_case() {
        let t = "Khối thi đua số 5 tổ chức hội nghị tổng kết\ncông tác thi đua năm 2023.\nSở Y tế phát biểu.";
        let out = join_broken_lines(t.to_string());
        assert_eq!(
            out,
            "Khối thi đua số 5 tổ chức hội nghị tổng kết công tác thi đua năm 2023.\nSở Y tế phát biểu."
        );
        assert_eq!(out.len(), t.len());
    }

    #[test]
    fn joins_a_break_after_a_comma() {
        let t = "Khối gồm: Công an tỉnh, Viện KSND tỉnh,\nTòa án nhân dân tỉnh và Sở Tư pháp.\nKhối gồm:\n- Sở Y tế,\n- Sở Tư pháp.";
        let out = join_broken_lines(t.to_string());
        assert_eq!(
            out,
            "Khối gồm: Công an tỉnh, Viện KSND tỉnh, Tòa án nhân dân tỉnh và Sở Tư pháp.\nKhối gồm:\n- Sở Y tế,\n- Sở Tư pháp."
        );
    }

    #[test]
    fn joins_a_list_of_semicolon_lines_whose_intro_holds_the_first_item() {
        let t = "Khối gồm: Sở Thông tin và Truyền thông;\nĐài Phát thanh và Truyền hình;\nSở Y tế.\n\
                 Chủ trì có đồng chí An, Khối trưởng;\nđồng chí Bình, Khối phó.\nToàn cảnh";
        assert_eq!(
            join_broken_lines(t.to_string()),
            "Khối gồm: Sở Thông tin và Truyền thông; Đài Phát thanh và Truyền hình; Sở Y tế.\n\
             Chủ trì có đồng chí An, Khối trưởng; đồng chí Bình, Khối phó.\nToàn cảnh"
        );
        // Items on lines of their own after the intro's line, bullets, a caption: they stay.
        let kept = "Khối gồm:\nSở Y tế;\nSở Tư pháp.\nKhối gồm: Sở Y tế;\n- Sở Tư pháp;\n\
                    Khối gồm: Sở Y tế;\nToàn cảnh Hội nghị\nSở Nội vụ;\nSở Xây dựng.";
        assert_eq!(join_broken_lines(kept.to_string()), kept);
    }

    #[test]
    fn keeps_paragraphs_headings_and_lists() {
        let t = "Khối thi đua số 5 tổng kết năm 2023\nSáng 12/1, Khối thi đua số 5 họp.\nKhối gồm:\n- Sở Y tế;\n- Sở Tư pháp.\n\nthư viện ảnh";
        assert_eq!(join_broken_lines(t.to_string()), t);
    }

    #[test]
    fn a_wrapped_text_joins_a_break_before_a_capital_after_a_long_line() {
        let t = "Sáng 12/1/2024, Khối thi đua số 5 tỉnh Nam Định tổ chức hội nghị tổng kết\n\
                 công tác thi đua năm 2023. Khối gồm các đơn vị: Sở Y tế, Sở Tư pháp,\n\
                 Sở Nội vụ và Sở Xây dựng. Hội nghị do đồng chí Nguyễn Văn An, Giám đốc\n\
                 Sở Y tế, Trưởng khối chủ trì. Kết quả, Sở Tư pháp xếp thứ nhất, được đề\n\
                 nghị tặng Cờ thi đua của Chính phủ. Hội nghị cũng đã bầu Sở Y tế làm Khối\n\
                 trưởng năm 2024.\n\
                 - Sở Y tế xếp thứ hai, được đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh\n\
                 1. Kết luận";
        let out = join_broken_lines(t.to_string());
        assert_eq!(out.matches('\n').count(), 2);
        assert!(out.contains("Sở Tư pháp, Sở Nội vụ"));
        assert!(out.contains("Giám đốc Sở Y tế"));
    }

    #[test]
    fn a_short_wrapped_text_is_told_by_its_even_lines() {
        let t = "Ngày 12/1/2024, tại tỉnh Hà Nam, đã diễn ra Hội nghị tổng kết \n\
                 công tác thi đua khen thưởng năm 2023 và triển khai nhiệm vụ năm \n\
                 2024 của Khối thi đua Ban Quản lý các KCN, KCX, KKT các tỉnh \n\
                 Đồng bằng sông Hồng (Khối thi đua). Ban Quản lý các KCN tỉnh \n\
                 Hà Nam, Khối trưởng Khối thi đua năm 2023 đăng cai tổ chức \n\
                 Hội nghị.";
        let out = join_broken_lines(t.to_string());
        assert_eq!(out.matches('\n').count(), 0);
        // Lines of a list, even but short, stay.
        let list = "Khối thi đua số 5 họp tổng kết năm 2023 tại Sở Y tế tỉnh\n\
                    Sở Y tế tỉnh Nam Định\nSở Tư pháp tỉnh Nam Định\n\
                    Sở Nội vụ tỉnh Nam Định\nSở Xây dựng tỉnh Nam Định\nhết";
        assert_eq!(join_broken_lines(list.to_string()).matches('\n').count(), 4);
    }

    #[test]
    fn a_wrapped_text_joins_numbers_quotes_and_a_colon_inside_a_paragraph() {
        let t = "Ngày 17-1, tại huyện Đạ Tẻh, tỉnh Lâm Đồng, cụm thi đua số \n\
                 3 gồm các huyện Đạ Tẻh, Đạ Huoai, Cát Tiên và Bảo Lâm tổng \n\
                 kết công tác thi đua, khen thưởng năm 2023. Các đơn vị trong \n\
                 cụm thực hiện phong trào thi đua “Cùng cả nước chung sức xây \n\
                 dựng nông thôn mới”. Công an các tỉnh trong Cụm thi đua số 2 gồm: \n\
                 Lạng Sơn, Sơn La, Hà Giang, Lai Châu, Cao Bằng, Lào Cai và Điện \n\
                 Biên đã hoàn thành nhiệm vụ. Khối gồm: Sở Thông tin và Truyền thông; \n\
                 Sở Khoa học và Công nghệ; Sở Giáo dục và Đào tạo; Sở Tài chính; Sở Y \n\
                 tế. Khối gồm:\n\
                 Sở Y tế;";
        let out = join_broken_lines(t.to_string());
        assert_eq!(out.len(), t.len());
        assert!(out.contains("cụm thi đua số  3 gồm"));
        assert!(out.contains("gồm:  Lạng Sơn"));
        assert!(out.contains("Truyền thông;  Sở Khoa học"));
        assert!(out.ends_with("Khối gồm:\nSở Y tế;"));
    }
}
