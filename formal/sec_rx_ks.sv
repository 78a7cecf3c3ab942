// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of physec_sec_rx's keystream consumer (formal/run.py, proof
// ks_consumer): the stage's pops, job pushes and keystream flushes are those that the
// ks_underflow proof (formal/sec_ksflow.sv) assumes, for the same frame stream (whole
// frames, pauses anywhere, the first in_sof START clocks after reset or later).  Every
// other input is free (keys, erase, lost, finish, words); checked, against this
// harness's own word count of the stream:
//   ks_rule    the ksgen's ks_pop is high exactly on word 1 and on the payload words
//              (5 .. WORDS-1) of each frame;
//   push_rule  the job queue's push is high exactly PUSH_AT = 8 clocks after each word 3
//              (the stage's OUT_DELAY + 2: check stage 2);
//   clr_rule   no keystream flush (the ksgen's clr) before the first frame starts;
//   wiring     the ksgen's job handshake is the job queue's; every job is a full one.
// The stage's own assertions (zeroisation, proven in the zero_* proofs) are removed in
// formal/run.py; the AES pipes are formal/aes_pipe_stub.sv (no pop, push or flush decision
// reads a keystream block).

`default_nettype none

module sec_rx_ks_formal #(
  parameter int WORDS = 2570,
  parameter int START = 24,
  parameter int PUSH_AT = 8        // physec_sec_rx: OUT_DELAY + 2
) (
  input wire logic         clk,
  input wire logic         in_valid_free,
  input wire logic [31:0]  cfg_link_id,
  input wire logic         require_security,
  input wire logic         key_we,
  input wire logic [1:0]   key_an,
  input wire logic [255:0] key,
  input wire logic         key_len,
  input wire logic [95:0]  salt,
  input wire logic         erase,
  input wire logic [1:0]   erase_an,
  input wire logic         finish,
  input wire logic         lost,
  input wire logic [255:0] in_word
);

  localparam int IW = 12;               // physec_sec_rx's word index width
  localparam int TW = $clog2(START + 1);

  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q;

  // ---- The frame stream (as formal/sec_ksflow.sv).
  logic [TW-1:0] t_q;
  logic [IW-1:0] m_q;
  logic          seen_q;                // an in_sof has been seen
  always_ff @(posedge clk) begin
    if (rst) t_q <= TW'(1);
    else if (t_q != TW'(START)) t_q <= t_q + TW'(1);
  end
  wire logic in_valid = in_valid_free && t_q == TW'(START);
  wire logic in_sof   = in_valid && m_q == '0;
  always_ff @(posedge clk) begin
    if (rst) begin
      m_q    <= '0;
      seen_q <= 1'b0;
    end else if (in_valid) begin
      m_q    <= (m_q == IW'(WORDS - 1)) ? '0 : m_q + IW'(1);
      seen_q <= 1'b1;
    end
  end
  // The pushes the proof assumes: PUSH_AT clocks after each word 3 (h_q[i]: i + 1 ago).
  logic [PUSH_AT-1:0] h_q;
  always_ff @(posedge clk) begin
    if (rst) h_q <= '0;
    else     h_q <= {h_q[PUSH_AT-2:0], in_valid && m_q == IW'(3)};
  end

  logic out_valid, out_sof, fs_valid, fs_pad_invalid, fs_bypass, fs_bypass_refused, fs_unknown_an;
  logic fs_replay, fs_pn_unpredicted, fs_key_changed, fs_pending, fs_release, vd_valid, vd_pass;
  logic vd_tag_lost, vd_tag_mismatch, vd_key_changed, err_ks;
  logic [255:0] out_word;
  logic [1:0]   fs_an, fs_mode, vd_an;
  logic [63:0]  fs_pn, vd_pn;
  logic [31:0]  cnt_frames, cnt_passed, cnt_failed, cnt_bypass, cnt_tag_failures, cnt_tags_lost,
                cnt_replays, cnt_unknown_an, cnt_pad_errors, cnt_pn_unpredicted, cnt_key_switches,
                cnt_key_changed;

  physec_sec_rx #(.WORDS_PER_FRAME(WORDS), .KS_DEPTH(32), .RPR(1)) dut (
    .clk, .rst, .cfg_link_id, .require_security, .key_we, .key_an, .key, .key_len, .salt, .erase,
    .erase_an, .finish, .lost, .in_valid, .in_sof, .in_word, .out_valid, .out_sof, .out_word,
    .fs_valid, .fs_an, .fs_pn, .fs_mode, .fs_pad_invalid, .fs_bypass, .fs_bypass_refused,
    .fs_unknown_an, .fs_replay, .fs_pn_unpredicted, .fs_key_changed, .fs_pending, .fs_release,
    .vd_valid, .vd_pass, .vd_tag_lost, .vd_tag_mismatch, .vd_key_changed, .vd_an, .vd_pn,
    .cnt_frames, .cnt_passed, .cnt_failed, .cnt_bypass, .cnt_tag_failures, .cnt_tags_lost,
    .cnt_replays, .cnt_unknown_an, .cnt_pad_errors, .cnt_pn_unpredicted, .cnt_key_switches,
    .cnt_key_changed, .err_ks
  );

  always @(*) begin
    if (!rst) begin
      ks_rule: assert (dut.ks_pop == (in_valid && (m_q == IW'(1) || m_q >= IW'(5))));
      push_rule: assert (dut.u_jobq.push == h_q[PUSH_AT-1]);
      clr_rule: assert (seen_q || !dut.u_ksgen.clr);
      wiring: assert (dut.u_ksgen.job_valid == dut.u_jobq.job_valid &&
                      dut.u_ksgen.job_ready == dut.u_jobq.job_ready &&
                      dut.u_ksgen.job_full);
      // Invariants (k = 1): the stage's word index is the stream's; its check pipeline
      // is this harness's; before the first frame nothing holds key material.
      inv_idx: assert (m_q <= IW'(WORDS - 1) &&
                       (seen_q ? (dut.u_widx.idx_q == ((m_q == '0) ? IW'(WORDS) : m_q)) && dut.u_widx.started
                               : (m_q == '0 && dut.u_widx.idx_q == '0 && !dut.u_widx.started)));
      inv_ck: assert ({dut.ck2_q, dut.ck1_q, dut.ck_d} == h_q);
      if (!seen_q) inv_clean: assert (h_q == '0 && !dut.prev_pend_q && dut.jb_held == 4'b0000 &&
                                      !dut.u_jobq.jq_valid_q[1] && dut.u_jobq.jq_null_q[0]);
    end
  end

endmodule

`default_nettype wire
