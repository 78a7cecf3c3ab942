// SPDX-License-Identifier: Apache-2.0
//
// Formal harness of physec_sec_jobq (formal/run.py, proof job_id): a keystream job's key
// identity {AN, key version, null} is the frame's, or the frame is flagged (spec 6.4).
//
// Every input is free, constrained only by what physec_sec_rx guarantees (the module's
// simulation checks confirm both in every run): no push into a full queue, and exactly
// one job taken since the previous arrival when a frame arrives.
//
// A shadow keeps the jobs by push order: {AN, null, PN} queued; at a take, the job the
// ksgen got, with null = no key material given (pushed null, or job_nul) and "changed" =
// its AN's slot changed (chg) or the path was flushed at or after the take: the key
// version it holds is no longer the slot's.  The frame that arrives gets the job taken
// last.  Checked: the jobs leave the queue in order with their AN and PN, a null one
// null; a frame whose check passes (chk_bad = 0) has a job of its AN, not null, with no
// change since the take, and none in the check clock.  The invariants tying the queue and
// the records to the shadow make the induction close at k = 1.

`default_nettype none

module sec_jobq_formal (
  input wire logic        clk,
  input wire logic        rst_in,
  input wire logic        push,
  input wire logic [1:0]  push_an,
  input wire logic        push_null,
  input wire logic [63:0] push_pn,
  input wire logic        job_ready,
  input wire logic [3:0]  chg,
  input wire logic        flush,
  input wire logic        arrive,
  input wire logic [1:0]  chk_an
);

  logic init_q = 1'b1;
  always_ff @(posedge clk) init_q <= 1'b0;
  wire logic rst = init_q || rst_in;

  logic        job_valid, job_nul, chk_bad, jr_nul, jc_nul, jc_flush, ovf;
  logic [1:0]  job_an, jr_an, jc_an;
  logic [63:0] job_pn;
  logic [3:0]  held;
  wire logic unused = &{1'b0, jc_flush, held, ovf};

  physec_sec_jobq dut (
    .clk, .rst, .push, .push_an, .push_null, .push_pn, .job_valid, .job_nul, .job_an, .job_pn,
    .job_ready, .chg, .flush, .arrive, .chk_an, .chk_bad, .jr_nul, .jr_an, .jc_nul, .jc_an,
    .jc_flush, .held, .ovf
  );

  wire logic take = job_valid && job_ready;

  // ---- Shadow.
  logic [1:0]  s_n;                     // jobs queued
  logic [1:0]  s_an   [2];
  logic        s_null [2];
  logic [63:0] s_pn   [2];
  logic [1:0]  r_an, c_an;              // the job taken last; the arrived frame's job
  logic        r_nul, r_chg, c_nul, c_chg;
  logic [1:0]  taken_q;                 // jobs taken since the last arrival (saturating)

  wire logic ch_r = flush || chg[r_an];
  wire logic ch_c = flush || chg[c_an];

  always_ff @(posedge clk) begin
    if (rst) begin
      s_n <= 2'd1;
      s_an[0] <= '0; s_null[0] <= 1'b1; s_pn[0] <= '0;
      r_an <= '0; r_nul <= 1'b1; r_chg <= 1'b0;
      c_an <= '0; c_nul <= 1'b1; c_chg <= 1'b0;
      taken_q <= 2'd0;
    end else begin
      s_n <= s_n - 2'(take) + 2'(push);
      if (take) begin
        s_an[0] <= s_an[1]; s_null[0] <= s_null[1]; s_pn[0] <= s_pn[1];
      end
      if (push) begin
        s_an[s_n - 2'(take)]   <= push_an;
        s_null[s_n - 2'(take)] <= push_null;
        s_pn[s_n - 2'(take)]   <= push_pn;
      end
      if (take) begin
        r_an  <= s_an[0];
        r_nul <= s_null[0] || job_nul;
        r_chg <= flush || chg[s_an[0]];
      end else if (ch_r) begin
        r_chg <= 1'b1;
      end
      if (arrive) begin
        c_an  <= r_an;
        c_nul <= r_nul;
        c_chg <= r_chg || ch_r;
      end else if (ch_c) begin
        c_chg <= 1'b1;
      end
      taken_q <= arrive ? 2'(take) : (taken_q == 2'd2) ? 2'd2 : taken_q + 2'(take);
    end
  end

  // ---- What the stage guarantees.
  always @(*) begin
    if (!rst) begin
      assume (!(push && s_n == 2'd2 && !take));
      assume (!arrive || taken_q == 2'd1);
    end
  end

  // ---- Properties (combinational: checked in the state they describe).
  always @(*) begin
    if (!rst) begin
      // Jobs leave in push order with their AN and PN; a null job gets no key.
      if (take) begin
        taken_an: assert (job_an == s_an[0]);
        taken_pn: assert (job_pn == s_pn[0]);
        taken_null: assert (!s_null[0] || job_nul);
      end
      // A frame not flagged has its job's identity: its AN, a key, the version taken.
      bound: assert (chk_bad || (c_an == chk_an && !c_nul && !c_chg && !flush && !chg[chk_an]));
      // Occupancy: never more than the two entries, none lost or invented.
      occupancy: assert (s_n <= 2'd2 && job_valid == (s_n != 2'd0) && dut.jq_valid_q[1] == (s_n == 2'd2));
      // Invariants (for the induction): the DUT's queue and records are the shadow's.
      if (s_n != 2'd0) inv_q0: assert (dut.jq_an_q[0] == s_an[0] && dut.jq_null_q[0] == s_null[0] &&
                                       dut.jq_pn_q[0] == s_pn[0]);
      if (s_n == 2'd2) inv_q1: assert (dut.jq_an_q[1] == s_an[1] && dut.jq_null_q[1] == s_null[1] &&
                                       dut.jq_pn_q[1] == s_pn[1]);
      inv_r: assert (jr_an == r_an && jr_nul == r_nul && (!r_chg || dut.jr_stale_q));
      inv_c: assert (jc_an == c_an && jc_nul == c_nul && (!c_chg || dut.jc_stale_q));
    end
  end

endmodule

`default_nettype wire
