// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of physec_sec_ksgen (formal/run.py, proof zero_ksgen).  The properties
// are the ksgen's own PHYSEC_SVA block: after rst or clr its key, IV and every keystream
// FIFO entry are zero (zeroised), the FIFO never overflows (no_overflow) and the credits
// cover every entry issued and not yet popped (credits).
//
// Compositional: the AES pipes are formal/aes_pipe_stub.sv (the real valid/tag delay
// line, a free block out) and the key expansion is a cutpoint (free busy, ready and round
// keys): the ksgen's properties then hold whatever they compute and whenever the
// expansion is busy.  Their own zeroisation is proven on the real modules (zero_pipe,
// zero_pipe2, zero_keyexp).  Every input is free; reset in the first clock.

`default_nettype none

module sec_ksgen_formal #(
  parameter int DEPTH   = 32,
  parameter int ENTRIES = 4
) (
  input wire logic         clk,
  input wire logic         rst_in,
  input wire logic         clr,
  input wire logic         kid_inval,
  input wire logic         job_valid,
  input wire logic [95:0]  job_iv,
  input wire logic         job_full,
  input wire logic [255:0] job_key,
  input wire logic         job_key_len,
  input wire logic [2:0]   job_key_id,
  input wire logic [2:0]   job_tag,
  input wire logic         ks_pop
);

  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q || rst_in;

  logic         job_ready, ks_valid, ks_first, err_underrun;
  logic [2:0]   ks_tag;
  logic [255:0] ks_data;
  wire logic unused = &{1'b0, job_ready, ks_valid, ks_first, ks_tag, ks_data, err_underrun};

  physec_sec_ksgen #(.DEPTH(DEPTH), .RPR(1), .ENTRIES(ENTRIES), .KID_W(3), .JT_W(3)) dut (
    .clk, .rst, .clr, .kid_inval, .job_valid, .job_ready, .job_iv, .job_full, .job_key,
    .job_key_len, .job_key_id, .job_tag, .ks_valid, .ks_first, .ks_tag, .ks_data, .ks_pop,
    .err_underrun
  );

endmodule

`default_nettype wire
