// SPDX-License-Identifier: Apache-2.0
//
// Extra Yosys techmap rule for syn/synth.py: a $shiftx whose data input A is a
// constant, i.e. a table lookup written as a part-select of a packed constant, such as
// physec_aes_pkg::sbox (SBOX_TABLE[2047 - 8*x -: 8]).
//
// Why: Yosys' default rule (_90_shift_shiftx) builds a log shifter as wide as A and
// specialises it per instance: 11 stages of 2048 muxes for every S-box, which for the
// 224 S-boxes of physec_aes_pipe exhausts the 4 GB of the WebAssembly Yosys.  Here
// the table is read as a ROM: output bit j = A[B + j] is a binary mux tree over the
// variable bits of B (those left once synth.py has folded the index arithmetic, e.g.
// 8 of the 12 for an S-box) whose leaves are the table's constant bits.  The template depends only on the constants and widths, so Yosys
// builds and optimises it once and every instance is a copy of the small result.
// Same function as the default rule (bits past the end of A are x), fewer cells.

(* techmap_celltype = "$shiftx" *)
module _80_physec_shiftx_rom (A, B, Y);
  parameter A_SIGNED = 0;
  parameter B_SIGNED = 0;
  parameter A_WIDTH  = 1;
  parameter B_WIDTH  = 1;
  parameter Y_WIDTH  = 1;

  (* force_downto *) input  [A_WIDTH-1:0] A;
  (* force_downto *) input  [B_WIDTH-1:0] B;
  (* force_downto *) output [Y_WIDTH-1:0] Y;

  parameter [A_WIDTH-1:0] _TECHMAP_CONSTMSK_A_ = 0;
  parameter [A_WIDTH-1:0] _TECHMAP_CONSTVAL_A_ = 0;
  parameter [B_WIDTH-1:0] _TECHMAP_CONSTMSK_B_ = 0;
  parameter [B_WIDTH-1:0] _TECHMAP_CONSTVAL_B_ = 0;

  // D: number of variable bits of B (the tree's depth).  var_pos(t): position in B of
  // the t-th variable bit (from the LSB).
  function integer count_var;
    input integer dummy;
    integer i;
    begin
      count_var = 0;
      for (i = 0; i < B_WIDTH; i = i + 1)
        if (!_TECHMAP_CONSTMSK_B_[i]) count_var = count_var + 1;
    end
  endfunction
  function integer var_pos;
    input integer t;
    integer i, n;
    begin
      var_pos = 0;
      n = 0;
      for (i = 0; i < B_WIDTH; i = i + 1)
        if (!_TECHMAP_CONSTMSK_B_[i]) begin
          if (n == t) var_pos = i;
          n = n + 1;
        end
    end
  endfunction
  localparam integer NV = count_var(0);
  // Only a lookup into a fully constant table by a non-negative index (unsigned, or
  // signed with a constant 0 sign bit, as slang writes part-selects), with 1..12
  // variable index bits and at most 2^14 leaves in all (an S-box: 2^8 x 8).
  localparam OK = !A_SIGNED && B_WIDTH <= 30 && NV >= 1 && NV <= 12 &&
                  (NV + $clog2(Y_WIDTH)) <= 14 &&
                  (_TECHMAP_CONSTMSK_A_ == {A_WIDTH{1'b1}}) &&
                  (!B_SIGNED || (_TECHMAP_CONSTMSK_B_[B_WIDTH-1] &&
                                 !_TECHMAP_CONSTVAL_B_[B_WIDTH-1]));
  wire _TECHMAP_FAIL_ = !OK;

  // Yosys elaborates the template before it reads _TECHMAP_FAIL_: where the rule does
  // not apply (e.g. a 256-bit barrel shift), D = 1 and no tree keep that cheap.
  localparam integer D = OK ? NV : 1;
  localparam integer N = 1 << D;
  // VPOS[5t +: 5]: position in B of the t-th variable bit (B_WIDTH <= 30).
  function [5*D-1:0] var_positions;
    input integer dummy;
    integer t;
    begin
      for (t = 0; t < D; t = t + 1) var_positions[5*t +: 5] = var_pos(t);
    end
  endfunction
  localparam [5*D-1:0] VPOS = var_positions(0);

  // Leaf v of output bit j's tree (bit t of v = the t-th variable bit of B): A[B + j],
  // x past the end of A.  One function call per output bit: Yosys evaluates constant
  // functions far faster than one generate block per leaf.
  function [N-1:0] leaves;
    input integer j;
    integer v, t, p;
    begin
      for (v = 0; v < N; v = v + 1) begin
        p = (_TECHMAP_CONSTVAL_B_ & _TECHMAP_CONSTMSK_B_) + j;
        for (t = 0; t < D; t = t + 1)
          if ((v >> t) & 1) p = p + (1 << VPOS[5*t +: 5]);
        leaves[v] = (p < A_WIDTH) ? _TECHMAP_CONSTVAL_A_[p] : 1'bx;
      end
    end
  endfunction

  wire [D-1:0] bv;
  genvar t;
  generate
    for (t = 0; t < D; t = t + 1) begin : g_bv
      assign bv[t] = B[VPOS[5*t +: 5]];
    end
  endgenerate

  // Fold the constant leaves and merge equal subtrees once, in the template.
  wire [1023:0] _TECHMAP_DO_ = "proc; opt -full; opt_clean";

  genvar j, k, i;
  generate
    for (j = 0; j < (OK ? Y_WIDTH : 0); j = j + 1) begin : g_bit
      // lv[k]: the 2^(D-k) candidates left after deciding the k low bits of bv.
      for (k = 0; k <= D; k = k + 1) begin : g_lvl
        wire [(N >> k)-1:0] lv;
        if (k == 0) begin : g_leaf
          assign lv = leaves(j);
        end else begin : g_mux
          for (i = 0; i < (N >> k); i = i + 1) begin : g_m
            assign lv[i] = bv[k-1] ? g_lvl[k-1].lv[2*i+1] : g_lvl[k-1].lv[2*i];
          end
        end
      end
      assign Y[j] = g_lvl[D].lv[0];
    end
  endgenerate
endmodule
