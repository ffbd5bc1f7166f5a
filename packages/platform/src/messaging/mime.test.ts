import { describe, expect, it } from "vitest";
import { decodeHeader, parseMail } from "./mime.js";

const crlf = (lines: string[]) => lines.join("\r\n");

describe("parseMail", () => {
  it("decodes a quoted-printable text, joining soft line breaks and =XX bytes", () => {
    const mail = parseMail(
      crlf([
        "To: ada@x.test",
        "Subject: plain",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=C3=BC=C3=9Fe: https://x.test/verify?=",
        "token=3Dabc_DEF-123",
        "second line",
        "",
      ]),
    );

    expect(mail.text).toBe("Grüße: https://x.test/verify?token=abc_DEF-123\nsecond line");
    expect(mail.to).toBe("ada@x.test");
  });

  it("decodes a base64 text exactly, trailing line break included", () => {
    const text = "ünïcødé ✓ 🛒\n";
    const encoded = Buffer.from(text).toString("base64");
    const mail = parseMail(
      crlf([
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        encoded.slice(0, 12),
        encoded.slice(12),
        "",
      ]),
    );

    expect(mail.text).toBe(text);
  });

  it("decodes a text in the charset its part declares", () => {
    const body = Buffer.concat([
      Buffer.from("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
      Buffer.from("Gr\xfc\xdfe aus K\xf6ln\r\n", "latin1"),
    ]);

    expect(parseMail(body).text).toBe("Grüße aus Köln");
  });

  it("takes text/plain and text/html from nested multiparts and skips attachments", () => {
    const mail = parseMail(
      crlf([
        "From: Mercato <no-reply@mercato.test>",
        'Content-Type: multipart/mixed; boundary="outer"',
        "",
        "preamble",
        "--outer",
        "Content-Type: multipart/alternative;",
        ' boundary="inner; with semicolon"',
        "",
        "--inner; with semicolon",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "the text",
        "",
        "--inner; with semicolon",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>Gr=C3=BC=C3=9Fe</p>",
        "--inner; with semicolon--",
        "--outer",
        "Content-Type: text/plain",
        "Content-Disposition: attachment; filename=notes.txt",
        "",
        "not the body",
        "--outer--",
        "epilogue",
      ]),
    );

    expect(mail.text).toBe("the text\n");
    expect(mail.html).toBe("<p>Grüße</p>");
    expect(mail.from).toBe("Mercato <no-reply@mercato.test>");
  });

  it("unfolds folded headers and reads Message-ID and Date", () => {
    const mail = parseMail(
      crlf([
        "Subject: a long",
        "\tsubject",
        "Message-ID: <id-1@mercato.test>",
        "Date: Tue, 03 Mar 2026 10:20:30 +0100",
        "",
        "x",
      ]),
    );

    expect(mail.subject).toBe("a long\tsubject");
    expect(mail.messageId).toBe("<id-1@mercato.test>");
    expect(mail.date?.toISOString()).toBe("2026-03-03T09:20:30.000Z");
  });

  it("reads a message with bare LF line ends like one with CRLF", () => {
    const lines = [
      "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "a=",
      "b",
      "c",
      "",
    ];

    expect(parseMail(lines.join("\n"))).toEqual(parseMail(crlf(lines)));
    expect(parseMail(lines.join("\n")).text).toBe("ab\nc");
  });
});

describe("decodeHeader", () => {
  it("decodes Q and B encoded words and drops the folding whitespace between adjacent ones", () => {
    expect(decodeHeader("=?UTF-8?Q?Gr=C3=BC_?=\r\n =?UTF-8?B?w59l?= aus K=?ISO-8859-1?Q?=F6?=ln")).toBe(
      "Grü ße aus Köln",
    );
  });

  it("joins a character split across two encoded words", () => {
    // "✓" is E2 9C 93; the first word ends after two of its bytes.
    expect(decodeHeader("=?UTF-8?Q?ok_=E2=9C?= =?UTF-8?Q?=93?=")).toBe("ok ✓");
  });

  it("keeps text between encoded words and leaves malformed words as they are", () => {
    expect(decodeHeader("=?UTF-8?Q?a?= - =?UTF-8?Q?b?= =?bogus")).toBe("a - b =?bogus");
  });

  it("reads raw 8-bit header text as UTF-8", () => {
    expect(decodeHeader(Buffer.from("Grüße", "utf8").toString("latin1"))).toBe("Grüße");
  });
});
