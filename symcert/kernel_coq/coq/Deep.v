(** * Reflective checker for spurious local minima of networks of any depth and any number of
    outputs, for the squared, absolute, Huber and hinge losses, by subgradient multipliers
    (he2020.thm1 / christof2023 [affine_optimality] certificates).

    The interior box is propagated through the hidden layers with exact midpoint-radius
    arithmetic (the radii of [kernel.box_radii] of the Python checker): on the first hidden
    layer every pre-activation of a parameter vector within [r] of the point lies within
    [r (|x|_1 + 1)] of its value at the point; on a later layer, whose input is known up to the
    radii [ar], within [r (sum_k (|a_k| + ar_k) + 1) + sum_k |w_k| ar_k]; the activation, on one
    piece of slope [s], multiplies the radius by [|s|]. If every interval lies strictly inside
    the piece of the neuron (the same piece on every sample), each parameter vector of the box
    computes on the data an affine function of the input, output by output. The multipliers
    then give, by the subgradient inequality, a lower bound of the risk in the box: the risk at
    the point. [deep_sound]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Subgrad Linear Convex1.
Import ListNotations.

(** ** The checker *)
Record deep_cert := {
  d_point : list Q; d_better : list Q;
  d_loss : Q; d_better_loss : Q;
  d_radius : Q;               (** radius of the interior_cell box *)
  d_radii : list Q;           (** radii of the other obligations: each in (0, d_radius] *)
  d_fit_w : list (list Q);    (** the affine fit: dy rows of dx weights *)
  d_fit_b : list Q;           (** and dy biases *)
  d_mults : option (list (list Q)) }.
  (** per sample, its dy multipliers (affine_optimality); [None] (affine_reduction, squared
      loss): the loss's derivative at the fit, [dloss], for the squared loss the residuals *)

(** The piece of [z]: the number of breakpoints at or below it. *)
Definition pidx (bs : list Q) (z : Q) : nat := length (filter (fun b => qle b z) bs).

(** The pieces of the hidden neurons at the point on one sample, layer by layer. *)
Fixpoint first_pieces (a : activation) (ls : list qlayer) (x : list Q) : list (list nat) :=
  match ls with
  | [] => []
  | [_] => []
  | L :: ls' => let z := apply_qlayer L x in map (pidx (breakpoints a)) z :: first_pieces a ls' (map (act_q a) z)
  end.

(** One hidden layer [(W, b)] over the box: the input is known as (value, radius) pairs [st];
    [S = sum_k (|a_k| + ar_k) + 1]. Each neuron's interval must lie strictly inside its piece
    [k]; the result is the layer's output as (value, radius) pairs. *)
Fixpoint layer_box (a : activation) (r S : Q) (st : list (Q * Q)) (W : list (list Q)) (b : list Q)
    (ks : list nat) : option (list (Q * Q)) :=
  match W, b, ks with
  | [], [], [] => Some []
  | w :: W', c :: b', k :: ks' =>
      let z := qadd (qdot w (map fst st)) c in
      let rad := qadd (r * S)%Q (qdot (map qabs w) (map snd st)) in
      let bs := breakpoints a in
      if Nat.leb k (length bs) && Nat.ltb k (length (pieces a)) && in_piece bs k z rad then
        match layer_box a r S st W' b' ks' with
        | Some st' => Some ((act_q a z, qabs (fst (nth k (pieces a) (0, 0)%Q)) * rad)%Q :: st')
        | None => None
        end
      else None
  | _, _, _ => None
  end.

Definition colsum (st : list (Q * Q)) : Q := qadd (qsum (map (fun e => qadd (qabs (fst e)) (snd e)) st)) 1.

(** Every hidden layer of one sample (the output layer needs no box). *)
Fixpoint box_ok (a : activation) (r : Q) (ls : list qlayer) (ks : list (list nat)) (st : list (Q * Q)) : bool :=
  match ls, ks with
  | [], _ => true
  | [_], _ => true
  | L :: ls', k :: ks' =>
      match layer_box a r (colsum st) st (fst L) (snd L) k with
      | Some st' => box_ok a r ls' ks' st'
      | None => false
      end
  | _, [] => false
  end.

Definition check_deep (n : network) (data0 : list sample) (c : deep_cert) : bool :=
  let ws := widths n in
  let a := activ n in
  let l := lossk n in
  let dx := hd 0%nat ws in
  let dy := last ws 0%nat in
  let data := rescale_data data0 in
  let p := over_common (d_point c) in
  let pb := over_common (d_better c) in
  let r := d_radius c in
  let lps := layers ws p in
  let ks := first_pieces a lps (fst (hd ([], []) data)) in
  let dF := common_den (concat (d_fit_b c :: d_fit_w c)) in
  let P := map (map (rescale dF)) (d_fit_w c) in
  let cb := map (rescale dF) (d_fit_b c) in
  let ms := match d_mults c with
            | Some G => map (map (rescale (common_den (concat G)))) G
            | None => map (fun s => map (fun i => lgrad l P cb i s) (seq 0 dy)) data
            end in
  let gd := combine ms data in
  let rp := risk_lq a l ws data p in
  let rb := risk_lq a l ws data pb in
  loss_ok l && continuous (breakpoints a) (pieces a) && Nat.leb 2 (length ws) &&
  Nat.eqb (length (d_point c)) (nparams ws) && Nat.eqb (length (d_better c)) (nparams ws) &&
  Nat.eqb (length P) dy && Nat.eqb (length cb) dy && Nat.eqb (length ms) (length data) &&
  forallb (fun s => Nat.eqb (length (fst s)) dx && Nat.eqb (length (snd s)) dy) data &&
  qlt 0 r && forallb (fun r' => qlt 0 r' && qle r' r) (d_radii c) &&
  forallb (fun s => box_ok a r lps ks (map (fun v => (v, 0%Q)) (fst s))) data &&
  forallb (fun i =>
      forallb (fun gs => subgrad l (lfit P cb i (snd gs)) (nth i (snd (snd gs)) 0%Q) (nth i (fst gs) 0%Q)) gd &&
      Qeq_bool (qsum (map (fun gs => nth i (fst gs) 0%Q) gd)) 0 &&
      forallb (fun k => Qeq_bool (qsum (map (fun gs => nth i (fst gs) 0%Q * nth k (fst (snd gs)) 0%Q)%Q gd)) 0)
              (seq 0 dx))
    (seq 0 dy) &&
  Qeq_bool rp (qsum (map (fun s => qsum (map (fun i => ell_q l (lfit P cb i s) (nth i (snd s) 0%Q)) (seq 0 dy))) data)) &&
  Qeq_bool rp (d_loss c) && Qeq_bool rb (d_better_loss c) && qlt rb rp.

(** ** Soundness *)
Local Open Scope R_scope.

(** The network with every hidden neuron replaced by the affine map [(s, c)] of its piece. *)
Definition pc_apply (sc : list (R * R)) (z : list R) : list R :=
  map (fun p => fst (fst p) * snd p + snd (fst p)) (combine sc z).

Fixpoint fwd_pc (pcs : list (list (R * R))) (ls : list layer) (x : list R) : list R :=
  match ls with
  | [] => x
  | [L] => apply_layer L x
  | L :: ls' => fwd_pc (tl pcs) ls' (pc_apply (hd [] pcs) (apply_layer L x))
  end.

Definition pieceR (a : activation) (k : nat) : R * R :=
  (Q2R (fst (nth k (pieces a) (0, 0)%Q)), Q2R (snd (nth k (pieces a) (0, 0)%Q))).

Definition within (v : R) (e : Q * Q) : Prop := Rabs (v - Q2R (fst e)) <= Q2R (snd e).

Definition close (r : R) (x : R) (y : Q) : Prop := Rabs (x - Q2R y) < r.

Definition closeL (r : R) (Lq : layer) (Lp : qlayer) : Prop :=
  Forall2 (Forall2 (close r)) (fst Lq) (fst Lp) /\ Forall2 (close r) (snd Lq) (snd Lp).

Lemma within_sum_nonneg v st :
  Forall2 within v st -> 0 <= sum (map (fun e => Rabs (Q2R (fst e)) + Q2R (snd e)) st).
Proof.
  induction 1 as [|x e v st H _ IH]; simpl; [lra|].
  unfold within in H. pose proof (Rabs_pos (x - Q2R (fst e))). pose proof (Rabs_pos (Q2R (fst e))). lra.
Qed.

Lemma dot_box r wq w v st :
  0 <= r -> Forall2 (close r) wq w -> Forall2 within v st ->
  Rabs (dot wq v - dot (map Q2R w) (map Q2R (map fst st))) <=
    r * sum (map (fun e => Rabs (Q2R (fst e)) + Q2R (snd e)) st) + dot (map Rabs (map Q2R w)) (map Q2R (map snd st)).
Proof.
  intros Hr Hw; revert v st; induction Hw as [|x y wq w Hxy Hw IH]; intros v st Hv.
  - simpl. rewrite Rminus_0_r, Rabs_R0. pose proof (within_sum_nonneg _ _ Hv). nra.
  - destruct Hv as [|vk e v st He Hv]; simpl.
    + rewrite Rminus_0_r, Rabs_R0. lra.
    + specialize (IH v st Hv). pose proof (within_sum_nonneg _ _ Hv).
      unfold close in Hxy. unfold within in He.
      replace (x * vk + dot wq v - (Q2R y * Q2R (fst e) + dot (map Q2R w) (map Q2R (map fst st))))
        with ((x - Q2R y) * vk + Q2R y * (vk - Q2R (fst e)) + (dot wq v - dot (map Q2R w) (map Q2R (map fst st)))) by ring.
      assert (A1 : Rabs ((x - Q2R y) * vk) <= r * (Rabs (Q2R (fst e)) + Q2R (snd e))).
      { rewrite Rabs_mult. pose proof (Rabs_pos vk). pose proof (Rabs_pos (x - Q2R y)).
        assert (Rabs vk <= Rabs (Q2R (fst e)) + Q2R (snd e)).
        { replace vk with (Q2R (fst e) + (vk - Q2R (fst e))) by ring.
          eapply Rle_trans; [apply Rabs_triang|]. lra. }
        apply Rle_trans with (r * Rabs vk); [apply Rmult_le_compat_r; lra|].
        apply Rmult_le_compat_l; lra. }
      assert (A2 : Rabs (Q2R y * (vk - Q2R (fst e))) <= Rabs (Q2R y) * Q2R (snd e)).
      { rewrite Rabs_mult. apply Rmult_le_compat_l; [apply Rabs_pos|exact He]. }
      eapply Rle_trans; [apply Rabs_triang|].
      pose proof (Rabs_triang ((x - Q2R y) * vk) (Q2R y * (vk - Q2R (fst e)))). lra.
Qed.

Lemma colsum_R st :
  Q2R (colsum st) = sum (map (fun e => Rabs (Q2R (fst e)) + Q2R (snd e)) st) + 1.
Proof.
  unfold colsum. rewrite qadd_R, qsum_R, Q2R_1, map_map. f_equal. f_equal. apply map_ext.
  intro e. rewrite qadd_R, qabs_R. reflexivity.
Qed.

Lemma in_piece_spec bs k z rad :
  in_piece bs k z rad = true ->
  (forall b, In b (firstn k bs) -> Q2R b < Q2R z - Q2R rad) /\
  (forall b, In b (skipn k bs) -> Q2R z + Q2R rad < Q2R b).
Proof.
  unfold in_piece. intro H. apply andb_prop in H. destruct H as [H1 H2].
  rewrite forallb_forall in H1, H2. split.
  - intros b Hb. specialize (H1 b Hb). apply qlt_R in H1. rewrite qsub_R in H1. exact H1.
  - intros b Hb. specialize (H2 b Hb). apply qlt_R in H2. rewrite qadd_R in H2. exact H2.
Qed.

(** A neuron whose interval at the point lies inside piece [k]: both the parameter vector's
    pre-activation and the point's are on that piece. *)
Lemma neuron_box a k z rad zq :
  (k <= length (breakpoints a))%nat -> (k < length (pieces a))%nat -> in_piece (breakpoints a) k z rad = true ->
  Rabs (zq - Q2R z) <= Q2R rad ->
  act a zq = fst (pieceR a k) * zq + snd (pieceR a k) /\
  Rabs (act a zq - Q2R (act_q a z)) <= Q2R (qabs (fst (nth k (pieces a) (0, 0)%Q)) * rad)%Q.
Proof.
  intros Hk Hp Hin Hz. destruct (in_piece_spec _ _ _ _ Hin) as [Hlo Hhi].
  pose proof (Rle_abs (zq - Q2R z)). pose proof (Rle_abs (- (zq - Q2R z))). rewrite Rabs_Ropp in H0.
  pose proof (nth_error_nth' (pieces a) (0, 0)%Q Hp) as Hn.
  destruct (nth k (pieces a) (0, 0)%Q) as [s c] eqn:E.
  assert (Eq : act a zq = Q2R s * zq + Q2R c).
  { unfold act. apply (pl_piece k); auto.
    - intros b Hb. specialize (Hlo b Hb). lra.
    - intros b Hb. specialize (Hhi b Hb). lra. }
  assert (Ep : act a (Q2R z) = Q2R s * Q2R z + Q2R c).
  { unfold act. apply (pl_piece k); auto.
    - intros b Hb. specialize (Hlo b Hb). lra.
    - intros b Hb. specialize (Hhi b Hb). lra. }
  split.
  - unfold pieceR. rewrite E. exact Eq.
  - rewrite act_q_R, Eq, Ep, qmul_R, qabs_R. simpl.
    replace (Q2R s * zq + Q2R c - (Q2R s * Q2R z + Q2R c)) with (Q2R s * (zq - Q2R z)) by ring.
    rewrite Rabs_mult. apply Rmult_le_compat_l; [apply Rabs_pos|exact Hz].
Qed.

Lemma layer_box_sound a r st v Wq bq W b ks st' :
  0 <= Q2R r -> Forall2 within v st ->
  Forall2 (Forall2 (close (Q2R r))) Wq W -> Forall2 (close (Q2R r)) bq b ->
  layer_box a r (colsum st) st W b ks = Some st' ->
  map (act a) (apply_layer (Wq, bq) v) = pc_apply (map (pieceR a) ks) (apply_layer (Wq, bq) v) /\
  Forall2 within (map (act a) (apply_layer (Wq, bq) v)) st'.
Proof.
  intros Hr Hv HW. revert bq b ks st'.
  induction HW as [|wq w Wq W Hw HW IH]; intros bq b ks st' Hb H.
  - destruct b, ks; simpl in H; try discriminate. injection H as <-. split; constructor.
  - destruct Hb as [|bqi bi bq b Hbi Hb]; [discriminate|]. destruct ks as [|k ks]; [discriminate|].
    cbn [layer_box] in H.
    set (z := qadd (qdot w (map fst st)) bi) in H.
    set (rad := qadd (r * colsum st)%Q (qdot (map qabs w) (map snd st))) in H.
    destruct (Nat.leb k (length (breakpoints a)) && Nat.ltb k (length (pieces a)) && in_piece (breakpoints a) k z rad) eqn:C;
      [|discriminate].
    destruct (layer_box a r (colsum st) st W b ks) as [st''|] eqn:E; [|discriminate].
    injection H as <-. rewrite !andb_true_iff in C. destruct C as [[C1 C2] C3].
    apply Nat.leb_le in C1. apply Nat.ltb_lt in C2.
    destruct (IH bq b ks st'' Hb E) as [IH1 IH2].
    set (zq := dot wq v + bqi).
    assert (Hz : Rabs (zq - Q2R z) <= Q2R rad).
    { unfold zq, z, rad. rewrite !qadd_R, !qdot_R, qmul_R, colsum_R.
      assert (Eabs : map Q2R (map qabs w) = map Rabs (map Q2R w))
        by (rewrite !map_map; apply map_ext; intro; apply qabs_R).
      rewrite Eabs.
      pose proof (dot_box (Q2R r) wq w v st Hr Hw Hv). unfold close in Hbi.
      replace (dot wq v + bqi - (dot (map Q2R w) (map Q2R (map fst st)) + Q2R bi))
        with ((dot wq v - dot (map Q2R w) (map Q2R (map fst st))) + (bqi - Q2R bi)) by ring.
      eapply Rle_trans; [apply Rabs_triang|]. lra. }
    destruct (neuron_box a k z rad zq C1 C2 C3 Hz) as [N1 N2].
    unfold apply_layer in *. simpl in IH1, IH2 |- *. split.
    + unfold pc_apply in *. simpl. f_equal; [exact N1|exact IH1].
    + constructor; [exact N2|exact IH2].
Qed.

Lemma box_sound a r lq lps ks st v :
  0 <= Q2R r -> Forall2 (closeL (Q2R r)) lq lps -> Forall2 within v st -> box_ok a r lps ks st = true ->
  forward (act a) lq v = fwd_pc (map (map (pieceR a)) ks) lq v.
Proof.
  intros Hr HL. revert ks st v. induction HL as [|Lq Lp lq lps HLp HL IH]; intros ks st v Hv H; [reflexivity|].
  destruct HL as [|Lq2 Lp2 lq' lps' HLp2 HL'].
  - reflexivity.
  - destruct ks as [|k ks]; [discriminate|].
    cbn [box_ok] in H.
    destruct (layer_box a r (colsum st) st (fst Lp) (snd Lp) k) as [st'|] eqn:E; [|discriminate].
    destruct Lq as [Wq bq]. destruct HLp as [HW Hb].
    destruct (layer_box_sound a r st v Wq bq (fst Lp) (snd Lp) k st' Hr Hv HW Hb E) as [E1 E2].
    change (forward (act a) (Lq2 :: lq') (map (act a) (apply_layer (Wq, bq) v)) =
            fwd_pc (map (map (pieceR a)) ks) (Lq2 :: lq') (pc_apply (map (pieceR a) k) (apply_layer (Wq, bq) v))).
    rewrite <- E1. apply (IH ks st'); assumption.
Qed.

Lemma combine_map_r {A B C} (g : B -> C) (l1 : list A) l2 :
  combine l1 (map g l2) = map (fun ab => (fst ab, g (snd ab))) (combine l1 l2).
Proof. revert l2; induction l1 as [|a l1 IH]; intros [|b l2]; simpl; auto. rewrite IH. reflexivity. Qed.

Lemma fwd_pc_aff ls : forall pcs F, Forall aff F ->
  exists F', Forall aff F' /\ forall x, fwd_pc pcs ls (map (fun g => g x) F) = map (fun g => g x) F'.
Proof.
  induction ls as [|L ls IH]; intros pcs F HF; [exists F; split; auto|].
  set (F1 := map (fun wb x => dot (fst wb) (map (fun g => g x) F) + snd wb) (combine (fst L) (snd L))).
  assert (HF1 : Forall aff F1).
  { apply Forall_forall. intros g Hg. unfold F1 in Hg. apply in_map_iff in Hg.
    destruct Hg as [wb [<- _]]. apply aff_dotF, HF. }
  assert (E1 : forall x, apply_layer L (map (fun g => g x) F) = map (fun g => g x) F1).
  { intro x. unfold apply_layer, F1. rewrite map_map. reflexivity. }
  destruct ls as [|L' ls'].
  - exists F1. split; [exact HF1|]. intro x. apply E1.
  - set (F2 := map (fun sg x => fst (fst sg) * snd sg x + snd (fst sg)) (combine (hd [] pcs) F1)).
    assert (HF2 : Forall aff F2).
    { apply Forall_forall. intros g Hg. unfold F2 in Hg. apply in_map_iff in Hg.
      destruct Hg as [[sc g1] [<- Hg1]]. apply aff_lin. apply in_combine_r in Hg1.
      rewrite Forall_forall in HF1. apply HF1, Hg1. }
    destruct (IH (tl pcs) F2 HF2) as [F' [HF' E']]. exists F'. split; [exact HF'|]. intro x.
    change (fwd_pc (tl pcs) (L' :: ls') (pc_apply (hd [] pcs) (apply_layer L (map (fun g => g x) F))) =
            map (fun g => g x) F').
    rewrite E1, <- E'. f_equal. unfold pc_apply, F2. rewrite combine_map_r, !map_map. reflexivity.
Qed.

Lemma layers_close {A B} (P : A -> B -> Prop) ws : forall q p, Forall2 P q p ->
  Forall2 (fun Lq Lp => Forall2 (Forall2 P) (fst Lq) (fst Lp) /\ Forall2 P (snd Lq) (snd Lp)) (layers ws q) (layers ws p).
Proof.
  induction ws as [|n_in ws IH]; intros q p H; [constructor|].
  destruct ws as [|n_out ws']; [constructor|].
  change (layers (n_in :: n_out :: ws') q) with
    ((rows n_out n_in q, firstn n_out (skipn (n_out * n_in) q)) :: layers (n_out :: ws') (skipn (n_out * n_in + n_out) q)).
  change (layers (n_in :: n_out :: ws') p) with
    ((rows n_out n_in p, firstn n_out (skipn (n_out * n_in) p)) :: layers (n_out :: ws') (skipn (n_out * n_in + n_out) p)).
  constructor; [split|].
  - apply Forall2_rows, H.
  - apply Forall2_firstn, Forall2_skipn, H.
  - apply IH, Forall2_skipn, H.
Qed.

Lemma within_init x : Forall2 within (map Q2R x) (map (fun v => (v, 0%Q)) x).
Proof.
  induction x as [|v x IH]; simpl; constructor; auto.
  unfold within. cbn [fst snd]. rewrite Rminus_eq_0, Rabs_R0, Q2R_0. lra.
Qed.

Ltac split_and H :=
  repeat match type of H with
  | (_ && _) = true => let H' := fresh "C" in apply andb_prop in H; destruct H as [H H']
  end.

Theorem deep_sound n data c :
  check_deep n data c = true ->
  spurious_local_min (risk n data) (params (d_point c)) /\
  risk n data (params (d_point c)) = Q2R (d_loss c) /\
  risk n data (params (d_better c)) = Q2R (d_better_loss c).
Proof.
  unfold check_deep. cbv zeta.
  set (ws := widths n). set (dx := hd 0%nat ws). set (dy := last ws 0%nat).
  set (ds := rescale_data data). set (p := over_common (d_point c)). set (pb := over_common (d_better c)).
  set (r := d_radius c). set (lps := layers ws p).
  set (ks := first_pieces (activ n) lps (fst (hd ([], []) ds))).
  set (dF := common_den (concat (d_fit_b c :: d_fit_w c))).
  set (P := map (map (rescale dF)) (d_fit_w c)). set (cb := map (rescale dF) (d_fit_b c)).
  set (l := lossk n).
  set (ms := match d_mults c with
             | Some G => map (map (rescale (common_den (concat G)))) G
             | None => map (fun s => map (fun i => lgrad l P cb i s) (seq 0 dy)) ds
             end).
  set (gd := combine ms ds).
  set (rp := risk_lq (activ n) l ws ds p). set (rb := risk_lq (activ n) l ws ds pb).
  intro H. rewrite !andb_true_iff in H.
  destruct H as [[[[[[[[[[[[[[[[Hok _] Hws] Hlp] Hlb] HlP] Hlc] Hlm] Hds] Hr] _] Hbox] Hnorm] Hl0] Hloss] Hbl] Hlt].
  apply Nat.leb_le in Hws. apply Nat.eqb_eq in Hlp, Hlb, HlP, Hlc, Hlm.
  rewrite forallb_forall in Hds, Hbox, Hnorm.
  assert (HP : risk n data (params (d_point c)) = Q2R rp).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds p.
    unfold rp, l, ws. symmetry. apply risk_lq_R, Hok. }
  assert (HB : risk n data (params (d_better c)) = Q2R rb).
  { rewrite <- risk_rescale_data, <- params_over_common. fold ds pb.
    unfold rb, l, ws. symmetry. apply risk_lq_R, Hok. }
  apply qeq_R in Hl0, Hloss, Hbl. apply qlt_R in Hlt, Hr. rewrite Q2R_0 in Hr.
  split; [split|split; congruence].
  2: { exists (params (d_better c)). split; [|congruence].
       unfold params. rewrite !map_length. congruence. }
  exists (Q2R r). split; [exact Hr|]. intros q Hq.
  unfold near in Hq. rewrite <- params_over_common in Hq. fold p in Hq.
  assert (Hlq : length q = nparams ws).
  { apply Forall2_len in Hq. unfold params in Hq. rewrite map_length in Hq.
    unfold p, over_common in Hq. rewrite map_length in Hq. congruence. }
  assert (HL : Forall2 (closeL (Q2R r)) (layers ws q) lps).
  { unfold params in Hq. apply Forall2_map_r in Hq. apply (layers_close _ ws) in Hq. exact Hq. }
  (* every sample: the same affine map of the input *)
  destruct (fwd_pc_aff (layers ws q) (map (map (pieceR (activ n))) ks) (coords dx) (coords_aff dx)) as [G [HG EG]].
  assert (Hgd : forall t, In t gd -> In (snd t) ds) by (intros [g s] Hin; apply in_combine_r in Hin; exact Hin).
  assert (Hs : forall s, In s ds -> length (fst s) = dx /\ length (snd s) = dy).
  { intros s Hs'. specialize (Hds s Hs'). apply andb_prop in Hds. destruct Hds as [H1 H2].
    apply Nat.eqb_eq in H1, H2. auto. }
  set (X := fun t : list Q * sample => map Q2R (fst (snd t))).
  set (Y := fun (t : list Q * sample) i => Q2R (nth i (snd (snd t)) 0%Q)).
  set (fitR := fun i x => dot (map Q2R (nth i P [])) x + Q2R (nth i cb 0%Q)).
  assert (Hds_gd : ds = map snd gd) by (symmetry; apply map_snd_combine; exact Hlm).
  assert (RQ : risk n data q = sum (map (fun t => sum (map (fun i => ell l (nth i G (fun _ => 0) (X t)) (Y t i)) (seq 0 dy))) gd)).
  { rewrite <- (risk_rescale_data n data). fold ds. unfold risk. rewrite Hds_gd, map_map.
    apply sum_map_ext_in. intros t Ht. destruct (Hs _ (Hgd _ Ht)) as [Hx Hy].
    unfold sample_loss. fold ws l.
    assert (EF : forward (act (activ n)) (layers ws q) (X t) = map (fun g => g (X t)) G).
    { assert (Hbx := box_sound (activ n) r (layers ws q) lps ks _ (X t) ltac:(lra) HL
                         (within_init (fst (snd t))) (Hbox _ (Hgd _ Ht))).
      rewrite Hbx, <- EG. f_equal. replace dx with (length (X t)) by (unfold X; rewrite map_length; exact Hx).
      symmetry. apply coords_self. }
    assert (LF : length (map (fun g => g (X t)) G) = dy).
    { rewrite <- EF. apply forward_length; auto. }
    fold (X t). rewrite EF, sum_combine_seq, LF by (rewrite LF, map_length; auto).
    apply sum_map_ext_in. intros i _. cbn [fst snd]. rewrite nth_map_ev, nth_map_Q2R. reflexivity. }
  assert (RP : Q2R rp = sum (map (fun t => sum (map (fun i => ell l (fitR i (X t)) (Y t i)) (seq 0 dy))) gd)).
  { rewrite Hl0, qsum_R, map_map, Hds_gd, map_map. apply sum_map_ext_in. intros t _.
    rewrite qsum_R, map_map. apply sum_map_ext_in. intros i _.
    rewrite ell_q_R by exact Hok. unfold lfit, fitR, X, Y. rewrite qadd_R, qdot_R. reflexivity. }
  rewrite HP, RQ, RP.
  set (gg := fun (t : list Q * sample) i => Q2R (nth i (fst t) 0%Q)).
  set (Gi := fun i x => nth i G (fun _ => 0) x).
  apply Rle_trans with (sum (map (fun t => sum (map (fun i => ell l (fitR i (X t)) (Y t i) +
      gg t i * (Gi i (X t) - fitR i (X t))) (seq 0 dy))) gd)).
  2: { apply sum_map_le. intros t Ht. apply sum_map_le. intros i Hi.
       specialize (Hnorm i Hi). rewrite !andb_true_iff in Hnorm. destruct Hnorm as [[Hsub _] _].
       rewrite forallb_forall in Hsub. specialize (Hsub t Ht).
       pose proof (subgrad_sound _ _ _ _ (Gi i (X t)) Hok Hsub) as S.
       unfold lfit in S. rewrite qadd_R, qdot_R in S. exact S. }
  right. symmetry. rewrite <- (Rplus_0_r (sum (map (fun t => sum (map (fun i => ell l (fitR i (X t)) (Y t i)) (seq 0 dy))) gd))).
  replace (sum (map (fun t => sum (map (fun i => ell l (fitR i (X t)) (Y t i) +
      gg t i * (Gi i (X t) - fitR i (X t))) (seq 0 dy))) gd))
    with (sum (map (fun t => sum (map (fun i => ell l (fitR i (X t)) (Y t i)) (seq 0 dy))) gd) +
          sum (map (fun i => sum (map (fun t => gg t i * (Gi i (X t) - fitR i (X t))) gd)) (seq 0 dy))).
  2: { rewrite <- (sum_swap (fun t i => gg t i * (Gi i (X t) - fitR i (X t)))).
       rewrite <- sum_map_plus. apply sum_map_ext_in. intros t _. rewrite <- sum_map_plus. reflexivity. }
  f_equal. apply sum_map_zero_in. intros i Hi.
  specialize (Hnorm i Hi). rewrite !andb_true_iff in Hnorm. destruct Hnorm as [[_ H0] H1].
  rewrite forallb_forall in H1.
  set (rr := fun t => gg t i).
  assert (Hsum : sum (map rr gd) = 0).
  { apply qeq_R in H0. rewrite qsum_R, Q2R_0 in H0. rewrite <- H0. unfold rr, gg. rewrite map_map. reflexivity. }
  assert (Horth : forall k, sum (map (fun t => rr t * nth k (X t) 0) gd) = 0).
  { intro k'. destruct (Nat.lt_ge_cases k' dx) as [L|L].
    - specialize (H1 k' (proj2 (in_seq dx 0 k') (conj (Nat.le_0_l k') L))).
      apply qeq_R in H1. rewrite qsum_R, map_map, Q2R_0 in H1.
      transitivity (sum (map (fun t => Q2R (nth i (fst t) 0 * nth k' (fst (snd t)) 0)%Q) gd)); [|exact H1].
      apply sum_map_ext_in. intros t _. unfold rr, gg, X. rewrite qmul_R, nth_map_Q2R. reflexivity.
    - apply sum_map_zero_in. intros t Ht. rewrite nth_overflow; [ring|].
      unfold X. rewrite map_length. destruct (Hs _ (Hgd _ Ht)) as [Hx _]. lia. }
  destruct (aff_nth_F G i HG) as [al [be HGi]].
  transitivity (sum (map (fun t => rr t * dot al (X t) + ((-1) * (rr t * dot (map Q2R (nth i P [])) (X t)) +
                                    rr t * (be - Q2R (nth i cb 0%Q)))) gd)).
  - apply sum_map_ext_in. intros t _. unfold Gi. rewrite HGi. unfold rr, fitR. ring.
  - rewrite !sum_map_plus, sum_map_scale, !(orth_dot gd rr X) by exact Horth.
    rewrite (orth_const gd rr Hsum). ring.
Qed.

Corollary deep_spurious n data c :
  check_deep n data c = true -> spurious_local_min (risk n data) (params (d_point c)).
Proof. intro H. apply (deep_sound n data c H). Qed.

Corollary deep_values n data c :
  check_deep n data c = true ->
  risk n data (params (d_point c)) = Q2R (d_loss c) /\
  risk n data (params (d_better c)) = Q2R (d_better_loss c).
Proof. intro H. apply (deep_sound n data c H). Qed.
