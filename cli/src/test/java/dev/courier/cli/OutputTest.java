package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What the tool prints, without a broker: the progress bar, tables, and what it never shows. */
class OutputTest {

    @Test
    void onATerminalTheProgressBarIsRedrawnInPlaceElsewhereItIsALineEveryTenth() {
        StringWriter terminal = new StringWriter();
        Progress bar = new Progress(new PrintWriter(terminal), true, "redriven");
        bar.update(1, 4, 1);
        bar.update(2, 4, 1);
        bar.done();
        assertThat(terminal.toString()).isEqualTo("\r[#######                       ] 1/4 read, 1 redriven"
                + "\r[###############               ] 2/4 read, 1 redriven" + System.lineSeparator());

        StringWriter log = new StringWriter();
        Progress lines = new Progress(new PrintWriter(log), false, "redriven");
        for (int read = 1; read <= 1000; read++) {
            lines.update(read, 1000, read / 2);
        }
        assertThat(log.toString().lines()).hasSize(10).first().isEqualTo("progress: 100/1000 read, 50 redriven");
    }

    @Test
    void credentialsAreMaskedInUrisHeadersAndJsonBodies() throws Exception {
        assertThat(Redaction.maskUris("cannot reach amqp://ops:s3cret@rabbit:5672/%2F and jdbc:postgresql://db/x?user=a&password=p4ss"))
                .isEqualTo("cannot reach amqp://ops:****@rabbit:5672/%2F and jdbc:postgresql://db/x?user=a&password=****");
        assertThat(Redaction.header("Authorization", "Bearer abc")).isEqualTo("****");
        assertThat(Redaction.header("x-api-key", "k")).isEqualTo("****");
        assertThat(Redaction.header("tenant", "acme")).isEqualTo("acme");
        ObjectMapper json = new ObjectMapper();
        String masked = json.writeValueAsString(Redaction.json(json.readTree(
                "{\"user\":{\"name\":\"ann\",\"password\":\"hunter2\"},\"tokens\":[{\"accessToken\":\"t\"}],\"n\":1}")));
        assertThat(masked).isEqualTo(
                "{\"user\":{\"name\":\"ann\",\"password\":\"****\"},\"tokens\":[{\"accessToken\":\"****\"}],\"n\":1}");
    }

    @Test
    void tablesAlignColumnsAndCutLongCells() {
        StringWriter out = new StringWriter();
        new Table("A", "LONG HEADING").row("x", "y").row("a much longer cell", "z".repeat(80)).print(new PrintWriter(out));
        assertThat(out.toString().lines()).containsExactly(
                "A                   LONG HEADING",
                "x                   y",
                "a much longer cell  " + "z".repeat(59) + "…");
    }
}
