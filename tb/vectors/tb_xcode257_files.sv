// SPDX-License-Identifier: Apache-2.0
//
// tb_xcode257_files: file-driven check of physec_xcode_257b and
// physec_dexcode_257b against golden vectors, for any simulator (no cocotb).
//
// Vector directory (+VECDIR=<dir>), read with tb_hexfile; lines starting with
// "//" are comments:
//   66b.hex   one 66b block per line, 17 hex digits = tx_coded<65:0>
//             (bit 0 = first transmitted; sync header in bits 1:0).
//   257b.hex  one 257b block per line, 65 hex digits = tx_xcoded<256:0>
//             (bit 0 = first transmitted = header bit).
// +N257=<n>: number of 257b blocks to check (66b.hex must hold 4n blocks).
// Line i of 257b.hex is the transcoding of lines 4i..4i+3 of 66b.hex.
//
// Checks, with both DUTs fed one group per clock:
//   physec_xcode_257b:   blocks 4i..4i+3 -> out_block == 257b line i;
//   physec_dexcode_257b: 257b line i -> out_blocks == 66b lines 4i..4i+3 and
//                        out_err == 0 (golden vectors are all decodable).
// Prints "PASS <n> blocks ..." and calls $finish, or "FAIL ..." with the first
// mismatch and $fatal(1), so the simulator's exit code is non-zero.
//
// MAX_N257 sizes the vector memories (the Makefile sets it to N257).  No
// `timescale here (the RTL has none either): delays are in the simulator's
// default unit, the Makefile passes --timescale 1ns/1ps to Verilator.

`default_nettype none

module tb_xcode257_files #(
  parameter int LATENCY  = 1,
  parameter int MAX_N257 = 65536
);

  import physec_pcs_pkg::*;

  // Header 0 with all four flags = data: undecodable, never a golden vector.
  localparam logic [256:0] NO_257B = {252'h0, 4'hF, 1'b0};

  // ---- Waveform on demand: +trace (make TRACE=1) dumps the testbench and the DUTs into
  // +WAVES=<file> (default tb_xcode257_files.fst); Verilator needs a --trace-fst build, Icarus
  // writes FST with vvp -fst.  The vector memories are not dumped (too large).
  initial begin
    string wave;
    if ($test$plusargs("trace")) begin
      if (!$value$plusargs("WAVES=%s", wave)) wave = "tb_xcode257_files.fst";
      $display("tb_xcode257_files: waves: %s", wave);
      $dumpfile(wave);
      $dumpvars(0, tb_xcode257_files);
    end
  end

  logic clk;
  logic rst;
  initial begin
    clk = 1'b0;
    forever #5 clk = ~clk;
  end

  tb_hexfile #(.WIDTH(66),  .DEPTH(4*MAX_N257)) u_66b  ();
  tb_hexfile #(.WIDTH(257), .DEPTH(MAX_N257))   u_257b ();

  string vecdir, err;
  int    n257;

  logic            x_in_valid, x_out_valid;
  logic [4*66-1:0] x_in_blocks;
  logic [256:0]    x_out_block;
  logic            d_in_valid, d_out_valid, d_out_err;
  logic [256:0]    d_in_block;
  logic [4*66-1:0] d_out_blocks;

  physec_xcode_257b #(.LATENCY(LATENCY)) u_xcode (
    .clk      (clk),
    .rst      (rst),
    .in_valid (x_in_valid),
    .in_blocks(x_in_blocks),
    .out_valid(x_out_valid),
    .out_block(x_out_block)
  );

  physec_dexcode_257b #(.LATENCY(LATENCY)) u_dexcode (
    .clk       (clk),
    .rst       (rst),
    .in_valid  (d_in_valid),
    .in_block  (d_in_block),
    .out_valid (d_out_valid),
    .out_blocks(d_out_blocks),
    .out_err   (d_out_err)
  );

  // ---- Load and validate the vectors, then release reset.
  initial begin
    rst = 1'b1;
    if (!$value$plusargs("VECDIR=%s", vecdir)) $fatal(1, "FAIL: plusarg +VECDIR=<dir> missing");
    if (!$value$plusargs("N257=%d", n257))     $fatal(1, "FAIL: plusarg +N257=<n> missing");
    if (n257 < 1 || n257 > MAX_N257)
      $fatal(1, "FAIL: +N257=%0d out of range 1..MAX_N257=%0d", n257, MAX_N257);
    u_66b.load({vecdir, "/66b.hex"}, 4*n257, err);
    if (err != "") $fatal(1, "FAIL: %s", err);
    u_257b.load({vecdir, "/257b.hex"}, n257, err);
    if (err != "") $fatal(1, "FAIL: %s", err);
    for (int i = 0; i < 4*n257; i++)
      if (u_66b.mem[i][1:0] != SH_DATA && u_66b.mem[i][1:0] != SH_CTRL)
        $fatal(1, "FAIL: %s/66b.hex entry %0d has an invalid sync header (%h)", vecdir, i, u_66b.mem[i]);
    for (int i = 0; i < n257; i++)
      if (u_257b.mem[i] == NO_257B)
        $fatal(1, "FAIL: %s/257b.hex entry %0d is undecodable (%h)", vecdir, i, u_257b.mem[i]);
    repeat (4) @(posedge clk);
    @(negedge clk) rst = 1'b0;      // away from the sampling edge: no race
  end

  // ---- Drive one group per clock into both DUTs.
  int n_in;
  always @(posedge clk) begin
    if (rst) begin
      n_in        <= 0;
      x_in_valid  <= 1'b0;
      d_in_valid  <= 1'b0;
    end else if (n_in < n257) begin
      x_in_valid  <= 1'b1;
      x_in_blocks <= {u_66b.mem[4*n_in+3], u_66b.mem[4*n_in+2], u_66b.mem[4*n_in+1], u_66b.mem[4*n_in]};
      d_in_valid  <= 1'b1;
      d_in_block  <= u_257b.mem[n_in];
      n_in        <= n_in + 1;
    end else begin
      x_in_valid  <= 1'b0;
      d_in_valid  <= 1'b0;
    end
  end

  // ---- Check outputs (sampled at the clock edge, i.e. the registered values).
  int n_x, n_d, cycles;
  always @(posedge clk) begin
    if (rst) begin
      n_x    <= 0;
      n_d    <= 0;
      cycles <= 0;
    end else begin
      cycles <= cycles + 1;
      if ($isunknown(x_out_valid) || $isunknown(d_out_valid))
        $fatal(1, "FAIL: out_valid is X/Z at cycle %0d", cycles);

      if (x_out_valid) begin
        if (n_x >= n257) $fatal(1, "FAIL: physec_xcode_257b: more than %0d outputs", n257);
        if (x_out_block !== u_257b.mem[n_x]) begin
          $display("FAIL: physec_xcode_257b 257b block %0d (66b blocks %0d..%0d in)", n_x, 4*n_x, 4*n_x+3);
          $display("  expected %h", u_257b.mem[n_x]);
          $display("  got      %h", x_out_block);
          $fatal(1, "FAIL: physec_xcode_257b mismatch at 257b block %0d", n_x);
        end
        n_x <= n_x + 1;
      end

      if (d_out_valid) begin
        if (n_d >= n257) $fatal(1, "FAIL: physec_dexcode_257b: more than %0d outputs", n257);
        if (d_out_err !== 1'b0)
          $fatal(1, "FAIL: physec_dexcode_257b out_err = %b for golden 257b block %0d", d_out_err, n_d);
        for (int j = 0; j < 4; j++) begin
          if (d_out_blocks[66*j +: 66] !== u_66b.mem[4*n_d+j]) begin
            $display("FAIL: physec_dexcode_257b 66b block %0d (block %0d of 257b block %0d)", 4*n_d+j, j, n_d);
            $display("  expected %h", u_66b.mem[4*n_d+j]);
            $display("  got      %h", d_out_blocks[66*j +: 66]);
            $fatal(1, "FAIL: physec_dexcode_257b mismatch at 66b block %0d", 4*n_d+j);
          end
        end
        n_d <= n_d + 1;
      end

      if (n_x == n257 && n_d == n257) begin
        $display("PASS %0d blocks (%0d 257b blocks, %0d 66b blocks, both directions, LATENCY=%0d, %0d cycles)",
                 n257, n257, 4*n257, LATENCY, cycles);
        $finish;
      end
      if (cycles > n257 + LATENCY + 16)
        $fatal(1, "FAIL: timeout after %0d cycles: %0d of %0d 257b and %0d of %0d 66b groups seen",
               cycles, n_x, n257, n_d, n257);
    end
  end

endmodule

`default_nettype wire
