// SPDX-License-Identifier: Apache-2.0
//
// physec_gf128_mul: Z = X * Y in GF(2^128), GCM's field (NIST SP 800-38D 6.3),
// combinational (STAGES = 0) or with STAGES pipeline register stages.  This
// module = the model function physec.gcm.gf_mult(x, y), bit for bit.
//
// Bit order: a block is 16 bytes; `logic [127:0] x` holds byte 0 in x[127:120]
// (the model's int.from_bytes(block, "big")).  GCM's field element is
// reflected: the coefficient of x^0 is x[127], of x^i is x[127-i]; 1 is
// 128'h80..0, multiplying by x is a right shift with reduction constant
// R = 8'hE1 << 120 (see physec_gf128_pkg).
//
// Ports:
//   in_x, in_y    the operands (GCM order), qualified by in_valid
//   out_z         in_x * in_y (GCM order), qualified by out_valid
//   out_* is in_* STAGES clocks later (STAGES = 0: combinational, clk and rst
//   unused).  rst (active-high, synchronous) clears only the valid pipeline;
//   data registers load every clock and have no reset.
//
// Structure (in GCM's order throughout, so that no vector is bit-reversed:
// a 255-bit product p holds the coefficient of x^k in p[254-k], and y * x^i is
// {y, 127'b0} >> i):
//   level 0      128 partial products pp_i = x_i ? y * x^i : 0        1 AND2
//   levels 1..7  balanced binary XOR tree over the partial products    7 XOR2
//   level 8      reduction mod x^128 + x^7 + x^2 + x + 1: every        3 XOR2
//                output bit is the XOR of at most 8 product bits
// Logic depth, combinational: 1 AND2 + 10 XOR2 from in_x/in_y to out_z (10 XOR
// levels is the minimum for 2-input gates: an output bit depends on up to ~1,000
// AND terms).  Fan-out: every x bit and every y bit drives 128 AND gates.  With
// 6-input LUTs: about 4 levels for the tree (3 AND terms per first-level LUT)
// plus 1-2 for the reduction.  Area: 16,384 AND2, 16,129 XOR2 (tree), about
// 500 XOR2 (reduction).
//
// Pipelining (STAGES >= 1): registers go between levels.  Where they go, and the
// logic depth of each stage in AND2/XOR2 gate levels:
//   STAGES 1:  after level 8 (output register)                 11
//   STAGES 2:  after levels 4, 8                                5 | 6
//   STAGES 3:  after levels 2, 6, 8                             3 | 4 | 4
//   STAGES 4:  after levels 1, 4, 7, 8                          2 | 3 | 3 | 3
//   STAGES >4: as 4, plus STAGES-4 more output registers (for a retiming tool)
// Registers inside the tree are wide: after level l there are 128 >> l partial
// sums of 128 + 2^l - 1 useful bits (after level 1: 64 x 129, about 8,300
// flip-flops; level 2: about 4,200; level 4: about 1,150), so fewer, later cuts
// are cheaper.  physec_ghash uses STAGES = 0: its feedback loop must close in
// one clock (see there for the pipelined alternative).

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_gf128_mul #(
  parameter int STAGES = 0
) (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic         in_valid,
  input  wire logic [127:0] in_x,
  input  wire logic [127:0] in_y,
  output logic              out_valid,
  output logic [127:0]      out_z
);
/* verilator lint_on MULTITOP */

  if (STAGES < 0) begin : g_bad_stages
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_gf128_mul: STAGES must be >= 0, got %0d", STAGES);
`else
    $fatal(1, "physec_gf128_mul: STAGES must be >= 0, got %0d", STAGES);
`endif
  end

  // Clamped so that a bad STAGES reaches the $fatal above rather than an
  // unrelated negative-width error.
  localparam int S = (STAGES < 0) ? 0 : STAGES;

  // Number of register stages placed after computation level `lvl` (0..8) for a
  // given STAGES: the table in the header.  The cuts are spread so that the
  // deepest stage is as shallow as the whole-level granularity allows.
  /* verilator coverage_off */  // elaboration only: sizes or fills a localparam
  function automatic int regs_after(input int lvl, input int stages);
    int n;
    n = 0;
    case (stages)
      0:       n = 0;
      1:       n = (lvl == 8) ? 1 : 0;
      2:       n = (lvl == 4 || lvl == 8) ? 1 : 0;
      3:       n = (lvl == 2 || lvl == 6 || lvl == 8) ? 1 : 0;
      default: n = (lvl == 1 || lvl == 4 || lvl == 7) ? 1 :
                   (lvl == 8) ? stages - 3 : 0;
    endcase
    return n;
  endfunction
  /* verilator coverage_on */

  // Node widths.  Below level 6 a node is kept relative to its chunk of CW = 32
  // partial products (node j of level l <= 5 lies in chunk j*2^l / 32): pp_i is then
  // x_i ? ys[i mod 32] : 0, one of 32 shifted copies of y shared by the four
  // chunks, and levels 1..5 are XORs of equal-width vectors with no shift.  Levels
  // 6 and 7 join chunks at multiples of 32 bits.  The gates are those of the plain
  // tree (each node is the same partial sum, stored at another offset), but a
  // cycle-based simulator neither shifts 128 255-bit vectors nor reverses bits
  // per evaluation (the two GHASH multipliers per security stage were half of a
  // chain simulation's time under Verilator; figures in docs/performance.md).
  localparam int CW = 32;
  localparam int RW = 128 + CW - 1;     // 159: a chunk's partial sums (degree < 128 + 31)

  /* verilator coverage_off */  // elaboration only
  function automatic int node_width(input int lvl);
    return (lvl <= 5) ? RW : (lvl <= 7) ? 127 + (1 << lvl) : 128;   // level 7: 255, the product
  endfunction
  /* verilator coverage_on */

  // ys[r] = y * x^r (r < CW) in a chunk's RW-bit frame: x^k at bit RW-1-k.
  wire logic [RW-1:0] ys [CW];
  for (genvar r = 0; r < CW; r++) begin : g_ys
    assign ys[r] = {in_y, (CW - 1)'(0)} >> r;
  end

  // g_lvl[l].g_n[j]: node j of computation level l.  c is its combinational
  // value, q the same after the registers that follow level l (if any).
  // Levels 0..7 have 128 >> l nodes (node j of level l sums pp_(j*2^l) ..
  // pp_((j+1)*2^l - 1); below level 6 in its chunk's frame, above in a frame
  // whose top bit is x^(j*2^l)); level 8 has one node, the reduced product.
  // Synthesis trims the bits that are constant 0.  A net per node rather than
  // one wide vector per level: Icarus re-evaluates a whole vector for every part
  // that changes (20x slower).
  for (genvar l = 0; l <= 8; l++) begin : g_lvl
    localparam int N  = (l <= 7) ? (128 >> l) : 1;
    localparam int W  = node_width(l);
    localparam int NR = regs_after(l, S);

    for (genvar j = 0; j < N; j++) begin : g_n
      wire logic [W-1:0] c;
      wire logic [W-1:0] q;

      if (l == 0) begin : g_pp
        // x_j is in_x[127-j] (GCM order).
        assign c = in_x[127-j] ? ys[j % CW] : '0;
      end else if (l <= 5) begin : g_xor
        assign c = g_lvl[l-1].g_n[2*j].q ^ g_lvl[l-1].g_n[2*j+1].q;
      end else if (l <= 7) begin : g_join
        // The upper child's powers start 2^(l-1) above the lower child's: in this
        // order it sits 2^(l-1) bits lower.
        localparam int H = 1 << (l - 1);
        assign c = {g_lvl[l-1].g_n[2*j].q, {H{1'b0}}} ^ {{H{1'b0}}, g_lvl[l-1].g_n[2*j+1].q};
      end else begin : g_red
        // Reduction mod x^128 + x^7 + x^2 + x + 1 (gf128_reduce_poly, in GCM
        // order): the coefficients of x^128.. fold down times (1 + x + x^2 + x^7),
        // i.e. XORed in shifted right by 0, 1, 2 and 7; that reaches x^133, so
        // the 6 bits beyond x^127 fold once more.  Nets, not a function call: an
        // event-driven simulator would re-run a function for every partial-sum
        // change below.
        wire logic [254:0] p   = g_lvl[7].g_n[0].q;
        wire logic [126:0] hi  = p[126:0];                  // x^128 .. x^254
        wire logic [133:0] f1  = {hi, 7'b0} ^ {1'b0, hi, 6'b0} ^ {2'b0, hi, 5'b0} ^ {7'b0, hi};
        wire logic [5:0]   hi2 = f1[5:0];                   // x^128 .. x^133
        wire logic [12:0]  f2  = {hi2, 7'b0} ^ {1'b0, hi2, 6'b0} ^ {2'b0, hi2, 5'b0} ^ {7'b0, hi2};
        assign c = p[254:127] ^ f1[133:6] ^ {f2, 115'b0};
      end

      if (NR == 0) begin : g_comb
        assign q = c;
      end else begin : g_reg
        // No reset on the data registers: they mean something only with their valid.
        // (A packed array: Icarus 11 loses updates of `assign q = r[NR-1]` from an
        // unpacked one here.)
        logic [NR-1:0][W-1:0] r;
        always_ff @(posedge clk) begin
          r[0] <= c;
          for (int s = 1; s < NR; s++) r[s] <= r[s-1];
        end
        assign q = r[NR-1];
      end
    end
  end

  assign out_z = g_lvl[8].g_n[0].q;

  // Valid pipeline, STAGES deep, alongside the data.
  if (S == 0) begin : g_valid_comb
    assign out_valid = in_valid;
    // Combinational: no clock or reset needed.
    wire logic unused_clk_rst = &{1'b0, clk, rst};
  end else begin : g_valid_pipe
    logic [S-1:0] valid_q;
    always_ff @(posedge clk) begin
      if (rst) begin
        valid_q <= '0;
      end else begin
        valid_q[0] <= in_valid;
        for (int s = 1; s < S; s++) valid_q[s] <= valid_q[s-1];
      end
    end
    assign out_valid = valid_q[S-1];
  end

endmodule

`default_nettype wire
