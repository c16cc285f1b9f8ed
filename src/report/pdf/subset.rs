//! A TrueType subsetter that keeps glyph ids ("glyph zeroing"): the outlines of glyphs a
//! document does not show are emptied and the tables a PDF viewer never reads (OpenType
//! layout, kerning, glyph names) are dropped. Because no glyph is renumbered, the character
//! map, the widths and the codes in the content streams all stay valid as they are.
//!
//! printpdf 0.12 subsets only with its `text_layout` feature (which pulls in a layout
//! engine); without it every PDF would carry both 700 kB faces and take tens of
//! milliseconds to compress them.

use std::collections::BTreeSet;

/// Tables kept, in the ascending tag order the table directory must have. `name` carries
/// the copyright and licence notices, which the DejaVu licence asks to keep with the font.
const KEPT_TABLES: [&[u8; 4]; 14] = [
    b"OS/2", b"cmap", b"cvt ", b"fpgm", b"gasp", b"glyf", b"head", b"hhea", b"hmtx", b"loca",
    b"maxp", b"name", b"post", b"prep",
];

/// Composite glyph flags (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// The font program of `font` with only `wanted` glyphs (and the components they are built
/// from, and `.notdef`) left with outlines. `None` if the font is not a TrueType font this
/// reads; the caller then embeds the whole font.
pub(super) fn retain_glyphs(font: &[u8], wanted: &BTreeSet<u16>) -> Option<Vec<u8>> {
    if read_u32(font, 0)? != 0x0001_0000 {
        return None;
    }
    let table = |tag: &[u8; 4]| find_table(font, tag);
    let head = table(b"head")?;
    let glyf = table(b"glyf")?;
    let loca = table(b"loca")?;
    let num_glyphs = usize::from(read_u16(table(b"maxp")?, 4)?);
    let long_offsets = read_u16(head, 50)? == 1;
    let offsets = (0..=num_glyphs)
        .map(|i| {
            if long_offsets {
                read_u32(loca, 4 * i).map(|o| o as usize)
            } else {
                read_u16(loca, 2 * i).map(|o| 2 * usize::from(o))
            }
        })
        .collect::<Option<Vec<usize>>>()?;
    let outline = |gid: usize| glyf.get(*offsets.get(gid)?..*offsets.get(gid + 1)?);

    let mut kept = BTreeSet::new();
    let mut pending: Vec<usize> = std::iter::once(0)
        .chain(wanted.iter().map(|g| usize::from(*g)))
        .collect();
    while let Some(gid) = pending.pop() {
        if gid < num_glyphs && kept.insert(gid) {
            components(outline(gid)?, &mut pending)?;
        }
    }

    // Rebuilt with long offsets whatever the original used: simpler, and loca compresses
    // to almost nothing once most glyphs are empty.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (num_glyphs + 1));
    for gid in 0..num_glyphs {
        new_loca.extend_from_slice(&u32::try_from(new_glyf.len()).ok()?.to_be_bytes());
        if kept.contains(&gid) {
            new_glyf.extend_from_slice(outline(gid)?);
            pad4(&mut new_glyf);
        }
    }
    new_loca.extend_from_slice(&u32::try_from(new_glyf.len()).ok()?.to_be_bytes());

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.fill(0); // checkSumAdjustment, set once the file is complete
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1u16.to_be_bytes());

    // Metrics of glyphs that are gone are zeroed too (the PDF's own /W array gives the
    // widths that matter): 25 kB of varied numbers become runs of zeros that compress to
    // nothing, which halves the time spent compressing the font.
    let mut new_hmtx = table(b"hmtx")?.to_vec();
    let long_metrics = usize::from(read_u16(table(b"hhea")?, 34)?);
    for gid in (0..num_glyphs).filter(|g| !kept.contains(g)) {
        let (at, len) = if gid < long_metrics {
            (4 * gid, 4)
        } else {
            (4 * long_metrics + 2 * (gid - long_metrics), 2)
        };
        new_hmtx.get_mut(at..at + len)?.fill(0);
    }

    // post format 3: the same metrics, no glyph names (60 kB in DejaVu Sans).
    let mut new_post = table(b"post")?.get(..32)?.to_vec();
    new_post
        .get_mut(..4)?
        .copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut tables: Vec<(&[u8; 4], &[u8])> = Vec::with_capacity(KEPT_TABLES.len());
    for tag in KEPT_TABLES {
        let data = match tag {
            b"glyf" => &new_glyf[..],
            b"loca" => &new_loca[..],
            b"head" => &new_head[..],
            b"hmtx" => &new_hmtx[..],
            b"post" => &new_post[..],
            _ => match table(tag) {
                Some(data) => data,
                None => continue,
            },
        };
        tables.push((tag, data));
    }
    Some(write_font(&tables))
}

/// Pushes the glyph ids a composite glyph is built from; nothing for a simple glyph.
fn components(outline: &[u8], pending: &mut Vec<usize>) -> Option<()> {
    let contours = read_u16(outline, 0).map(|c| c as i16);
    if outline.is_empty() || contours? >= 0 {
        return Some(());
    }
    let mut at = 10;
    loop {
        let flags = read_u16(outline, at)?;
        pending.push(usize::from(read_u16(outline, at + 2)?));
        at += 4;
        at += if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        if flags & WE_HAVE_A_SCALE != 0 {
            at += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            at += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            at += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            return Some(());
        }
    }
}

fn write_font(tables: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let count = tables.len();
    let mut pow2 = 1;
    let mut selector = 0u16;
    while pow2 * 2 <= count {
        pow2 *= 2;
        selector += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for value in [count, pow2 * 16, selector.into(), count * 16 - pow2 * 16] {
        out.extend_from_slice(&(value as u16).to_be_bytes());
    }
    let mut offset = 12 + 16 * count;
    let mut head_at = None;
    for (tag, data) in tables {
        if *tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(&tag[..]);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        pad4(&mut out);
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    if let Some(slot) = head_at.and_then(|at| out.get_mut(at + 8..at + 12)) {
        slot.copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

fn find_table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(read_u16(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = read_u32(font, record + 8)? as usize;
        let length = read_u32(font, record + 12)? as usize;
        font.get(offset..offset + length)
    })
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn pad4(bytes: &mut Vec<u8>) {
    bytes.resize(bytes.len().next_multiple_of(4), 0);
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    static REGULAR: &[u8] = include_bytes!("../../../templates/fonts/DejaVuSans.ttf");

    fn gid(c: char) -> u16 {
        let mut warnings = Vec::new();
        let font = printpdf::ParsedFont::from_bytes(REGULAR, 0, &mut warnings).unwrap();
        font.lookup_glyph_index(u32::from(c)).unwrap()
    }

    fn outline(font: &[u8], gid: u16) -> Vec<u8> {
        let loca = find_table(font, b"loca").unwrap();
        let at = |i: usize| read_u32(loca, 4 * i).unwrap() as usize;
        let g = usize::from(gid);
        find_table(font, b"glyf").unwrap()[at(g)..at(g + 1)].to_vec()
    }

    #[test]
    fn kept_glyphs_keep_their_outlines_and_components_and_the_rest_are_emptied() {
        let (w_circumflex, w, zhe) = (gid('ŵ'), gid('w'), gid('Ж'));
        let subset = retain_glyphs(REGULAR, &BTreeSet::from([w_circumflex])).unwrap();

        assert!(subset.len() < REGULAR.len() / 5, "{} bytes", subset.len());
        let accented = outline(&subset, w_circumflex);
        assert!(!accented.is_empty());
        let mut parts = Vec::new();
        components(&accented, &mut parts).unwrap();
        for part in &parts {
            assert!(
                !outline(&subset, *part as u16).is_empty(),
                "component {part}"
            );
        }
        if !parts.is_empty() {
            assert!(parts.contains(&usize::from(w)), "ŵ is built on w");
        }
        assert!(
            outline(&subset, zhe).is_empty(),
            "an unused glyph keeps its outline"
        );
        assert_eq!(
            checksum(&subset),
            0xB1B0_AFBA,
            "head.checkSumAdjustment is wrong"
        );
        let mut warnings = Vec::new();
        let reparsed = printpdf::ParsedFont::from_bytes(&subset, 0, &mut warnings).unwrap();
        assert_eq!(
            reparsed.lookup_glyph_index(u32::from('ŵ')),
            Some(w_circumflex)
        );
    }
}
