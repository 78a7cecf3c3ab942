// SPDX-License-Identifier: Apache-2.0
//
// physec_aes_tb_top: test harness for tb/aes/test_aes.py, one physec_aes_keyexp
// feeding one physec_aes_pipe (same RPR), all ports brought out; clr goes to
// both (zeroise, as physec_sec_ksgen drives them at a key erase).  Bit order
// as in rtl/aes: byte 0 of a block in [127:120], key byte 0 in key[255:248]
// (AES-128: key[255:128]).  Testbench only, not part of rtl/.

`default_nettype none

module physec_aes_tb_top #(
  parameter int RPR   = 1,
  parameter int TAG_W = 16
) (
  input  wire logic             clk,
  input  wire logic             rst,
  input  wire logic             clr,
  input  wire logic             key_valid,
  input  wire logic             key_len,
  input  wire logic [255:0]     key,
  output logic                  busy,
  output logic                  ready,
  input  wire logic             in_valid,
  input  wire logic [127:0]     in_blk,
  input  wire logic [TAG_W-1:0] in_tag,
  output logic                  in_drop,
  output logic                  out_valid,
  output logic [127:0]          out_blk,
  output logic [TAG_W-1:0]      out_tag
);

  logic                                 rk_len;
  logic [physec_aes_pkg::NSLOT*128-1:0] round_keys;

  physec_aes_keyexp #(.RPR(RPR)) u_keyexp (
    .clk       (clk),
    .rst       (rst),
    .clr       (clr),
    .key_valid (key_valid),
    .key_len   (key_len),
    .key       (key),
    .busy      (busy),
    .ready     (ready),
    .rk_len    (rk_len),
    .round_keys(round_keys)
  );

  physec_aes_pipe #(.RPR(RPR), .TAG_W(TAG_W)) u_pipe (
    .clk       (clk),
    .rst       (rst),
    .clr       (clr),
    .key_ready (ready),
    .rk_len    (rk_len),
    .round_keys(round_keys),
    .in_valid  (in_valid),
    .in_blk    (in_blk),
    .in_tag    (in_tag),
    .in_drop   (in_drop),
    .out_valid (out_valid),
    .out_blk   (out_blk),
    .out_tag   (out_tag)
  );

endmodule

`default_nettype wire
