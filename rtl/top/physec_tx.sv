// SPDX-License-Identifier: Apache-2.0
//
// physec_tx: the whole transmit chain in RTL (spec 10), client 66b blocks in, secured
// line words out.  This module = the model's transmit chain after the PCS: the 66b
// blocks of physec.pcs.pcs_tx -> physec.xcode257.transcode_257b -> physec.frame.FrameTx
// (p, b257, SecTx) -> the line, bit for bit, with the client valid schedule delayed by
// one clock (the transcoder's register: the mapper sees client_valid of clock c in
// clock c + 1) and frames that physec_sec_tx sends blank (no key in use) as blank frames.
//
//   client 66b x4 --> physec_xcode_257b --> physec_frame_tx --> physec_sec_tx --> line
//                      (1 clock)            (GMP map, framer,   (PAD, AES-GCM,
//                                            gearbox: 4 clocks)  8 clocks)
//
// Ports (rst: synchronous, active high; clears all state, keys, alarms and counters):
//   start         the framing path (transcoder, physec_frame_tx) is held in reset until
//                 start is first seen high after reset (sticky: later levels are ignored),
//                 so that frame 0 can wait for a key.  Clock S = the first clock with
//                 start high (rst low) is the mapper's clock 0: frame 0's line_sof leaves
//                 in clock S + 12, and a client group offered in a clock before S is
//                 discarded (not counted: cnt_underflow, cnt_overflow stay 0 until S).
//                 start tied to 1'b1: S = 0, clock for clock the timing of a top without it.
//                 To protect frame 0 (PN 1, as the model's FrameTx with SecTx): key_we,
//                 then rekey_req (activation) in a clock A >= that key_we clock + 1, then
//                 start in clock S >= A + 2 + 14 RPR (A + 16 at RPR = 1, either key
//                 length): sec_tx decides frame 0 in clock A + 1, its keystream job starts
//                 in A + 2, key load 1 + AES 1 + 14 RPR + FIFO write 1 clocks make entry 0
//                 ready for frame 0's framer start in S + 4.  With an earlier S frame 0
//                 leaves blank and err_ks is set (minimum checked by simulation for RPR 1,
//                 2 and AES-128/256; sec_tx's own rule of 24 clocks has slack).
//   client_valid, client_blocks[4*66-1:0]  four 66b blocks per valid clock, block j =
//                 client_blocks[66*j +: 66], j = 0 first in time; each block is the IEEE
//                 vector tx_coded<65:0> (sync header in bits 1:0, 2'b10 data, 2'b01
//                 control; block type in bits 9:2), as physec_xcode_257b.  No
//                 back-pressure: a group offered while the GMP FIFO is full is dropped and
//                 counted (cnt_overflow).  An invalid block becomes EBLOCK_R (spec 3.4).
//   line_valid    0 in clocks < S + 12 (LATENCY = 12 clocks after the start), then 1 in
//                 every clock.
//   line_sof      line_word is word 0 of a frame (its AM starts in line_word[255]).
//   line_word[255:0]  one line word per clock, line_word[255] first transmitted: frame
//                 bits [256k, 256k + 255] of word k.  Frame t's word k leaves in clock
//                 S + 12 + 2570 t + k, clock 0 being the first clock with rst low.
//   cfg_mode[1:0], cfg_link_id[31:0], key_we, key_an[1:0], key[255:0], key_len,
//   salt[95:0], erase, erase_an[1:0], rekey_req, rekey_an[1:0]   the security configuration, exactly as
//                 physec_sec_tx (key byte 0 in key[255:248], AES-128 in key[255:128],
//                 key_len 1 = AES-256; salt byte 0 in salt[95:88]; link ID big-endian).
//                 Activation: key_we, then rekey_req with no key in use.  Every frame
//                 before the activated one leaves blank (PAD version 1, mode 0, PN 0, all-
//                 zero payload): frame 0 does unless start waits for the key (see start;
//                 with start tied high frame 0 starts 4 clocks after reset, too early for
//                 any key); a rekey_req after the first line_sof activates the key from
//                 the next frame on with PN 1 (one given too late for frame 0 but before
//                 its line_sof would also blank frame 0, and set err_ks).
//   fr_valid      one clock per frame, 2 clocks after its line_sof (when its MFAS is
//                 known), with the PAD fields sent (physec_sec_tx fr_*: fr_protected (0 =
//                 blank frame), fr_mode, fr_an, fr_pn[63:0], fr_tag_valid, fr_kcp,
//                 fr_next_an), fr_cm[13:0] (the frame's GMP Cm = FrameTx's map.cm) and
//                 fr_mfas[7:0] (OH byte 0 as sent).
//   st_active, st_an[1:0], st_rekey_pending, alarm_pn, err_key_refused (pulse),
//   err_rekey_refused (pulse), err_ks, err_tag_late   physec_sec_tx's, unchanged.
//   cnt_frames    frames sent (line_sof count); cnt_underflow / cnt_overflow: data slots
//                 sent as ERROR_257B for an empty GMP FIFO / client groups refused for a
//                 full one.  All 32-bit, wrapping (cnt_underflow / cnt_overflow are
//                 physec_frame_tx's counts, which saturate at 2^32 - 1 first).
//
// Latency (LATENCY = 12 clocks): a mapper clock's line word leaves 12 clocks later
// (physec_frame_tx 4, physec_sec_tx 8); a client group offered in clock c can be mapped
// into a slot that starts in clock c + 2 or later (transcoder 1, FIFO write 1).
//
// Geometry: the 100g profile of physec_profile_pkg (physec_sec_tx supports no other).

`default_nettype none

// The transmit chain top; stands alone in a lint run over all of rtl/.
/* verilator lint_off MULTITOP */
module physec_tx #(
  parameter int KS_DEPTH = 32,     // physec_sec_tx keystream FIFO entries
  parameter int RPR      = 1       // AES registers per round
) (
  input  wire logic            clk,
  input  wire logic            rst,
  input  wire logic            start,
  input  wire logic            client_valid,
  input  wire logic [4*66-1:0] client_blocks,
  output logic                 line_valid,
  output logic                 line_sof,
  output logic [255:0]         line_word,
  input  wire logic [1:0]      cfg_mode,
  input  wire logic [31:0]     cfg_link_id,
  input  wire logic            key_we,
  input  wire logic [1:0]      key_an,
  input  wire logic [255:0]    key,
  input  wire logic            key_len,
  input  wire logic [95:0]     salt,
  input  wire logic            erase,
  input  wire logic [1:0]      erase_an,
  input  wire logic            rekey_req,
  input  wire logic [1:0]      rekey_an,
  output logic                 fr_valid,
  output logic                 fr_protected,
  output logic [1:0]           fr_mode,
  output logic [1:0]           fr_an,
  output logic [63:0]          fr_pn,
  output logic                 fr_tag_valid,
  output logic                 fr_kcp,
  output logic [1:0]           fr_next_an,
  output logic [13:0]          fr_cm,
  output logic [7:0]           fr_mfas,
  output logic                 st_active,
  output logic [1:0]           st_an,
  output logic                 st_rekey_pending,
  output logic                 alarm_pn,
  output logic                 err_key_refused,
  output logic                 err_rekey_refused,
  output logic                 err_ks,
  output logic                 err_tag_late,
  output logic [31:0]          cnt_frames,
  output logic [31:0]          cnt_underflow,
  output logic [31:0]          cnt_overflow
);
/* verilator lint_on MULTITOP */

  localparam int WORD_BITS = physec_profile_pkg::WORD_BITS;

  if (WORD_BITS != 256 || RPR < 1 || KS_DEPTH < 4) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_tx: needs the 100g profile (256-bit words), RPR >= 1, KS_DEPTH >= 4");
`else
    $fatal(1, "physec_tx: needs the 100g profile (256-bit words), RPR >= 1, KS_DEPTH >= 4");
`endif
  end

  // ---- Frame path run flag.  f_rst is combinational in start so that start = 1'b1 gives
  // the frame path the same reset as rst, clock for clock.
  logic run_q;
  always_ff @(posedge clk) begin
    if (rst) run_q <= 1'b0;
    else if (start) run_q <= 1'b1;
  end
  wire logic f_rst = rst || !(run_q || start);

  // ---- 66b -> 257b
  logic         x_valid;
  logic [256:0] x_block;

  physec_xcode_257b #(.LATENCY(1)) u_xcode (
    .clk      (clk),
    .rst      (f_rst),
    .in_valid (client_valid),
    .in_blocks(client_blocks),
    .out_valid(x_valid),
    .out_block(x_block)
  );

  // ---- GMP mapper, framer, gearbox.  The PAD placeholder is all zero: physec_sec_tx
  // writes every PAD bit.
  logic         f_valid, f_sof, f_start;
  logic [255:0] f_word;
  logic [13:0]  f_cm;

  physec_frame_tx u_frame (
    .clk            (clk),
    .rst            (f_rst),
    .client_valid   (x_valid),
    .client_block   (x_block),
    .pad            ({physec_profile_pkg::PAD_BITS{1'b0}}),
    .frame_start    (f_start),
    .line_valid     (f_valid),
    .line_word      (f_word),
    .line_sof       (f_sof),
    .cm             (f_cm),
    .underflow_count(cnt_underflow),
    .overflow_count (cnt_overflow)
  );
  wire logic unused_start = f_start;

  // ---- Security stage.
  logic        s_fr_valid;
  logic        s_fr_protected, s_fr_tag_valid, s_fr_kcp;
  logic [1:0]  s_fr_mode, s_fr_an, s_fr_next_an;
  logic [63:0] s_fr_pn;

  physec_sec_tx #(
    .KS_DEPTH(KS_DEPTH),
    .RPR     (RPR)
  ) u_sec (
    .clk              (clk),
    .rst              (rst),
    .cfg_mode         (cfg_mode),
    .cfg_link_id      (cfg_link_id),
    .key_we           (key_we),
    .key_an           (key_an),
    .key              (key),
    .key_len          (key_len),
    .salt             (salt),
    .erase            (erase),
    .erase_an         (erase_an),
    .rekey_req        (rekey_req),
    .rekey_an         (rekey_an),
    .in_valid         (f_valid),
    .in_sof           (f_sof),
    .in_word          (f_word),
    .out_valid        (line_valid),
    .out_sof          (line_sof),
    .out_word         (line_word),
    .fr_valid         (s_fr_valid),
    .fr_protected     (s_fr_protected),
    .fr_mode          (s_fr_mode),
    .fr_an            (s_fr_an),
    .fr_pn            (s_fr_pn),
    .fr_tag_valid     (s_fr_tag_valid),
    .fr_kcp           (s_fr_kcp),
    .fr_next_an       (s_fr_next_an),
    .st_active        (st_active),
    .st_an            (st_an),
    .st_rekey_pending (st_rekey_pending),
    .alarm_pn         (alarm_pn),
    .err_key_refused  (err_key_refused),
    .err_rekey_refused(err_rekey_refused),
    .err_ks           (err_ks),
    .err_tag_late     (err_tag_late)
  );

  // ---- Per-frame record.  physec_frame_tx sends every frame without a pause, so word 3
  // (OH byte 0 = MFAS in bits 63:56) is on f_word 3 clocks after f_sof; sec_tx's fr_* are
  // valid from 1 clock after f_sof until the next f_sof and f_cm from f_sof on.  The
  // record is taken then and fr_valid given 2 clocks after the frame's line_sof (f_sof +
  // 8, physec_sec_tx's latency).
  logic [8:0] sof_d;               // f_sof delayed 1 .. 9 clocks
  wire logic  unused_fr_valid = s_fr_valid;

  always_ff @(posedge clk) begin
    if (rst) begin
      sof_d      <= '0;
      fr_valid   <= 1'b0;
      cnt_frames <= '0;
    end else begin
      sof_d      <= {sof_d[7:0], f_sof};
      fr_valid   <= sof_d[8];
      cnt_frames <= cnt_frames + 32'(line_sof);
    end
    if (sof_d[2]) begin
      fr_protected <= s_fr_protected;
      fr_mode      <= s_fr_mode;
      fr_an        <= s_fr_an;
      fr_pn        <= s_fr_pn;
      fr_tag_valid <= s_fr_tag_valid;
      fr_kcp       <= s_fr_kcp;
      fr_next_an   <= s_fr_next_an;
      fr_cm        <= f_cm;
      fr_mfas      <= f_word[63:56];
    end
  end

endmodule

`default_nettype wire
