extension AnswerExport {
    /// The answer as an Office Open XML workbook (ECMA-376): sheet "answer" with the table
    /// (text as inline strings, numbers as numbers, interval columns included) and sheet
    /// "privacy" with the privacy facts. A stored ZIP (``StoredZip``), no styles, no shared
    /// strings: the smallest package Excel, LibreOffice and Google Sheets open.
    ///
    /// Inline strings are never evaluated as formulas, so no cell needs the CSV guard.
    public static func xlsx(_ answer: QueryAnswer) -> [UInt8] {
        let (header, rows) = table(answer)
        let answerSheet = worksheet([header.map(Cell.text)] + rows)
        let privacySheet = worksheet(
            [[.text("fact"), .text("value")]] + privacyFacts(answer).map { [.text($0.label), .text($0.value)] }
        )
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let package = "http://schemas.openxmlformats.org/package/2006"
        let spreadsheetML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var zip = StoredZip()
        zip.add(
            "[Content_Types].xml",
            document(
                """
                <Types xmlns="\(package)/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="\(spreadsheetML).sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="\(spreadsheetML).worksheet+xml"/>\
                <Override PartName="/xl/worksheets/sheet2.xml" ContentType="\(spreadsheetML).worksheet+xml"/>\
                </Types>
                """
            )
        )
        zip.add(
            "_rels/.rels",
            document(
                """
                <Relationships xmlns="\(package)/relationships">\
                <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """
            )
        )
        zip.add(
            "xl/workbook.xml",
            document(
                """
                <workbook xmlns="\(main)" xmlns:r="\(relationships)"><sheets>\
                <sheet name="answer" sheetId="1" r:id="rId1"/><sheet name="privacy" sheetId="2" r:id="rId2"/>\
                </sheets></workbook>
                """
            )
        )
        zip.add(
            "xl/_rels/workbook.xml.rels",
            document(
                """
                <Relationships xmlns="\(package)/relationships">\
                <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="\(relationships)/worksheet" Target="worksheets/sheet2.xml"/>\
                </Relationships>
                """
            )
        )
        zip.add("xl/worksheets/sheet1.xml", answerSheet)
        zip.add("xl/worksheets/sheet2.xml", privacySheet)
        return zip.archive()
    }

    /// A worksheet part holding `rows` from A1.
    static func worksheet(_ rows: [[Cell]]) -> [UInt8] {
        var xml = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        for (rowIndex, row) in rows.enumerated() {
            xml += "<row r=\"\(rowIndex + 1)\">"
            for (columnIndex, cell) in row.enumerated() {
                let reference = columnName(columnIndex) + String(rowIndex + 1)
                switch cell {
                case .text(let text):
                    xml +=
                        "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escaped(text))</t></is></c>"
                case .number(let value) where value.isFinite:
                    xml += "<c r=\"\(reference)\"><v>\(number(value))</v></c>"
                case .number, .empty:
                    break
                }
            }
            xml += "</row>"
        }
        return document(xml + "</sheetData></worksheet>")
    }

    /// The spreadsheet name of a 0-based column: A … Z, AA, AB, ….
    static func columnName(_ index: Int) -> String {
        var name = ""
        var remaining = index + 1
        while remaining > 0 {
            let digit = (remaining - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            remaining = (remaining - 1) / 26
        }
        return name
    }

    /// Text for XML character data or an attribute: markup characters escaped, and the
    /// characters XML 1.0 forbids (controls other than tab, LF, CR; U+FFFE, U+FFFF)
    /// replaced with U+FFFD, so the part always parses.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func document(_ xml: String) -> [UInt8] {
        Array(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + xml).utf8)
    }
}
