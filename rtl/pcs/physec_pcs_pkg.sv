// SPDX-License-Identifier: Apache-2.0
//
// physec_pcs_pkg: 64b/66b constants (IEEE 802.3 Clause 82 style), shared by the
// PCS-side RTL.  Mirrors physec.pcs66 (SH_DATA, SH_CTRL, BT_*, VALID_TYPES,
// EBLOCK_PL) and physec.xcode257.NIBBLE_TO_TYPE.
//
// Bit order: a 66b block is the vector tx_coded<65:0> = blk[65:0], bit 0
// transmitted first.  sh = blk[1:0], payload = blk[65:2]; the block type field
// is payload[7:0] = tx_coded<9:2>, so a type written 0x1E in the standard (sent
// LSB first) is simply 8'h1E here.  The sync header written "01" in transmission
// order is sh = 2'b10 (data), "10" is sh = 2'b01 (control).

`default_nettype none

package physec_pcs_pkg;

  localparam logic [1:0] SH_DATA = 2'b10;
  localparam logic [1:0] SH_CTRL = 2'b01;

  // The eleven Clause 82 (100GBASE-R) control block types; all others are invalid.
  localparam logic [7:0] BT_CTRL  = 8'h1E;   // C0..C7
  localparam logic [7:0] BT_START = 8'h78;   // /S/ in lane 0, D1..D7
  localparam logic [7:0] BT_OS    = 8'h4B;   // /Q/ in lane 0, D1..D3, O0 = 0
  // Terminate with k data bytes before /T/, k = 0..7.
  localparam logic [7:0] BT_TERM0 = 8'h87;
  localparam logic [7:0] BT_TERM1 = 8'h99;
  localparam logic [7:0] BT_TERM2 = 8'hAA;
  localparam logic [7:0] BT_TERM3 = 8'hB4;
  localparam logic [7:0] BT_TERM4 = 8'hCC;
  localparam logic [7:0] BT_TERM5 = 8'hD2;
  localparam logic [7:0] BT_TERM6 = 8'hE1;
  localparam logic [7:0] BT_TERM7 = 8'hFF;

  // 7-bit control code /E/.
  localparam logic [6:0] C7_ERROR = 7'h1E;

  // EBLOCK_R: a control block of eight /E/ codes.  Payload = type 0x1E in bits
  // 7:0, then code i (i = 0..7) in bits 8+7i+6 : 8+7i; all codes are equal, so
  // a replication gives the same vector (0x3C78F1E3C78F1E1E).
  localparam logic [63:0] EBLOCK_PL = {{8{C7_ERROR}}, BT_CTRL};
  localparam logic [65:0] EBLOCK_R  = {EBLOCK_PL, SH_CTRL};

  // 1 iff bt is one of the eleven Clause 82 block types.
  function automatic logic is_valid_type(input logic [7:0] bt);
    case (bt)
      BT_CTRL, BT_START, BT_OS,
      BT_TERM0, BT_TERM1, BT_TERM2, BT_TERM3,
      BT_TERM4, BT_TERM5, BT_TERM6, BT_TERM7: is_valid_type = 1'b1;
      default:                                is_valid_type = 1'b0;
    endcase
  endfunction

  // Kept low nibble (tx_coded<5:2>) of the first control block in a 257b block
  // -> full block type; 8'h00 (not a valid type) marks an invalid nibble.  The
  // eleven types have distinct low nibbles, which is why one nibble suffices.
  function automatic logic [7:0] nibble_to_type(input logic [3:0] nib);
    case (nib)
      BT_CTRL[3:0]:  nibble_to_type = BT_CTRL;
      BT_START[3:0]: nibble_to_type = BT_START;
      BT_OS[3:0]:    nibble_to_type = BT_OS;
      BT_TERM0[3:0]: nibble_to_type = BT_TERM0;
      BT_TERM1[3:0]: nibble_to_type = BT_TERM1;
      BT_TERM2[3:0]: nibble_to_type = BT_TERM2;
      BT_TERM3[3:0]: nibble_to_type = BT_TERM3;
      BT_TERM4[3:0]: nibble_to_type = BT_TERM4;
      BT_TERM5[3:0]: nibble_to_type = BT_TERM5;
      BT_TERM6[3:0]: nibble_to_type = BT_TERM6;
      BT_TERM7[3:0]: nibble_to_type = BT_TERM7;
      default:       nibble_to_type = 8'h00;
    endcase
  endfunction

endpackage

`default_nettype wire
