// SPDX-License-Identifier: Apache-2.0
//
// tb_hexfile: one golden hex tap in a memory, for the file-driven testbenches.
//
// load(path, n_expect, err) reads the format of docs/spec.md 7 (what `$readmemh` reads
// into `logic [WIDTH-1:0] mem [N]`): `//` comment lines, then one word per line, most
// significant hex digit first, zero-padded to ND = ceil(WIDTH/4) digits; mem[i] = the
// i-th word; a `//` comment may also follow a word.  It is stricter than `$readmemh`:
// a word of other than ND digits, a word wider than WIDTH bits, two words on a line, a
// character that is neither a hex digit, white space nor a comment, more than DEPTH
// words, or (n_expect >= 0) a count other than n_expect sets err to the file, the line
// and the problem ("" when the file is good).  A 2-state simulator reads a missing word
// of `$readmemh` as 0, so a short file would only show up as a mismatch later.
//
// Why not `$readmemh`: Verilator's reads a character at a time through a string and
// shifts the whole word left by 4 bits per digit (about 20 ns per character, a third of
// a chain run: the chain testbench reads about 160 characters per clock); this loop
// over 8 KiB blocks of `$fread` writes eight digits at a time in place, about 3 times
// faster (docs/performance.md, seventh pass).  Icarus runs it too, slower than its
// `$readmemh`: about 4 s of CPU for the 2.5 MB of a set's three large files.

`default_nettype none

module tb_hexfile #(
  parameter int WIDTH = 8,   // bits per word
  parameter int DEPTH = 1    // words this build holds
) ();

  localparam int ND    = (WIDTH + 3) / 4;     // hex digits per word
  localparam int NC    = (ND + 7) / 8;        // 32-bit chunks a word is assembled in
  localparam int BLOCK = 8192;

  initial if (WIDTH < 1 || DEPTH < 1) $fatal(1, "tb_hexfile: WIDTH %0d, DEPTH %0d must be >= 1", WIDTH, DEPTH);

  logic [WIDTH-1:0] mem [DEPTH];
  int               n;            // words read by the last load

  logic [7:0]       blk [BLOCK+1];
  logic [32*NC-1:0] w;
  logic [4:0]       hexv [256];   // {is a hex digit, its value}

  // A static task (one load per instance at a time): with `task automatic` Icarus 11 ran
  // it correctly but left the chain testbench's AES key expansion computing X.
  task load(input string path, input int n_expect, output string err);
    int         fd, got, j, r, lim, line, code;
    bit         bad, comment, slash, eof;
    logic [7:0] c;
    logic [4:0] v;
    logic [31:0] acc;

    for (int i = 0; i < 256; i++)   // here, not in an initial block: that might run after a load
      hexv[i] = (i >= "0" && i <= "9") ? 5'(16 + i - "0") :
                (i >= "a" && i <= "f") ? 5'(16 + i - "a" + 10) :
                (i >= "A" && i <= "F") ? 5'(16 + i - "A" + 10) : 5'd0;
    err = "";
    n = 0;
    fd = $fopen(path, "r");
    if (fd == 0) begin
      err = $sformatf("%s: cannot open", path);
    end else begin
      {bad, comment, slash} = '0;
      r = ND;          // digits of the current word still to come
      lim = ND;        // 0 once the line has had its word
      acc = '0;
      line = 1;
      do begin
        got = $fread(blk, fd, 0, BLOCK);
        eof = got < BLOCK;
        if (eof) begin                           // the end of the file ends its last line
          blk[got] = 8'h0a;
          got++;
        end
        for (j = 0; j < got && !bad; j++) begin
          c = blk[j];
          v = hexv[c];
          if (v[4] && !comment && !slash) begin
            if (r == ND - lim) begin
              bad = 1'b1;
              err = lim == 0 ? $sformatf("%s line %0d: a second word on the line", path, line)
                             : $sformatf("%s line %0d: more than %0d hex digits (a %0d-bit word)", path, line, ND, WIDTH);
            end else begin
              // Digit r - 1 from the right: eight at a time into w, in place (no shifting).
              r--;
              acc = {acc[27:0], v[3:0]};
              if (r[2:0] == 3'd0) begin
                w[32*(r>>3) +: 32] = acc;
                acc = '0;
              end
            end
          end else if (comment) begin
            if (c == 8'h0a) begin
              comment = 1'b0;
              line++;
              lim = ND;
            end
          end else if (slash) begin
            if (c != "/") begin
              bad = 1'b1;
              err = $sformatf("%s line %0d: '/' not followed by '/'", path, line);
            end
            {comment, slash} = 2'b10;
          end else if (c != 8'h0a && c != "/" && c != " " && c != 8'h09 && c != 8'h0d) begin
            bad = 1'b1;
            err = $sformatf("%s line %0d: character 0x%02h is not a hex digit", path, line, c);
          end else begin
            if (r != ND) begin                     // a word ends here
              code = put(r, n_expect);
              if (code != 0) begin
                bad = 1'b1;
                err = problem(code, path, line, r, n_expect);
              end
              {r, lim} = {ND, 32'd0};
            end
            if (c == 8'h0a) begin
              line++;
              lim = ND;
            end
            slash = (c == "/");
          end
        end
      end while (!eof && !bad);
      if (!bad && n_expect >= 0 && n != n_expect)
        err = $sformatf("%s: %0d words, expected %0d", path, n, n_expect);
      $fclose(fd);
    end
  endtask

  // The word in w ends with r of its ND digits missing: store it, or return what is
  // wrong with it (no strings here: this runs once per word).
  function automatic int put(input int r, input int n_expect);
    if (r != 0) return 1;
    if ((w >> WIDTH) != 0) return 2;
    if (n == DEPTH || n == n_expect) return 3;
    mem[n] = w[WIDTH-1:0];
    n++;
    return 0;
  endfunction

  function automatic string problem(input int code, input string path, input int line, input int r,
                                    input int n_expect);
    case (code)
      1:       return $sformatf("%s line %0d: %0d hex digits, expected %0d (a %0d-bit word, zero-padded)",
                                path, line, ND - r, ND, WIDTH);
      2:       return $sformatf("%s line %0d: the word does not fit in %0d bits", path, line, WIDTH);
      default: return $sformatf("%s line %0d: more than %0d words", path, line, n == DEPTH ? DEPTH : n_expect);
    endcase
  endfunction

endmodule

`default_nettype wire
