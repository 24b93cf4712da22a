package org.ntpguard.cli;

import java.io.IOException;
import java.io.Writer;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.text.CsvLines;
import org.ntpguard.schema.text.JsonLines;

/** Writes NtpPacket records as JSON lines or CSV rows (header first), reusing one line buffer. */
final class PacketLineWriter {

    enum Format { jsonl, csv }

    private final Writer out;
    private final CsvLines csv;
    private final boolean flushEachLine;
    private final StringBuilder line = new StringBuilder(1024);
    private boolean headerWritten;

    PacketLineWriter(final Writer out, final Format format, final boolean flushEachLine) {
        this.out = out;
        this.csv = format == Format.csv ? new CsvLines(NtpPacket.getClassSchema()) : null;
        this.flushEachLine = flushEachLine;
    }

    void write(final NtpPacket record) throws IOException {
        line.setLength(0);
        if (csv == null) {
            JsonLines.append(line, record);
        } else {
            if (!headerWritten) {
                out.write(csv.header());
                out.write('\n');
                headerWritten = true;
            }
            csv.append(line, record);
        }
        line.append('\n');
        out.append(line);
        if (flushEachLine) {
            out.flush();
        }
    }
}
