// Formats date-times with java.time's own DateTimeFormatter, the reference for ODCS's
// logicalTypeOptions.format: each stdin line is
//   pattern TAB year TAB month TAB day TAB hour TAB minute TAB second TAB nano TAB offsetSeconds
// and each stdout line is the formatted text (or "!error" when Java refuses the pattern).
// Run as a single-file program: java FormatDates.java < cases.tsv
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

public class FormatDates {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      String[] f = line.split("\t", -1);
      try {
        LocalDateTime t = LocalDateTime.of(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
            Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]));
        out.append(t.atOffset(ZoneOffset.ofTotalSeconds(Integer.parseInt(f[8])))
            .format(DateTimeFormatter.ofPattern(f[0], Locale.US))).append('\n');
      } catch (Exception e) {
        out.append("!error ").append(e.getMessage().replace('\n', ' ')).append('\n');
      }
    }
    System.out.print(out);
  }
}
