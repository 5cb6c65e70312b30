(** * Soundness of [check_cell] ([Cell.v]): [cell_sound]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Affine Thm1 Curves Subgrad Linear Convex1 Paths Valley CellDefs Cell CellPath.
Import ListNotations.
Local Open Scope R_scope.

Lemma Forall2_nth' (P : R -> R -> Prop) l1 l2 k : Forall2 P l1 l2 -> (k < length l1)%nat -> P (nth k l1 0) (nth k l2 0).
Proof.
  intro H. revert k; induction H as [|a b l1 l2 Hab H IH]; intros k Hk; simpl in Hk; [lia|].
  destruct k; simpl; [exact Hab|]. apply IH. lia.
Qed.

Lemma Forall2_of_nth (P : R -> R -> Prop) l1 l2 :
  length l1 = length l2 -> (forall k, (k < length l1)%nat -> P (nth k l1 0) (nth k l2 0)) -> Forall2 P l1 l2.
Proof.
  revert l2; induction l1 as [|a l1 IH]; intros [|b l2] Hl H; simpl in Hl; try discriminate; constructor.
  - apply (H 0%nat). simpl. lia.
  - apply IH; [lia|]. intros k Hk. apply (H (S k)). simpl. lia.
Qed.

(** A coordinate [lin1 (w t) a b] whose weight is Lipschitz in [t] is continuous in [t]. *)
Lemma lin1_cont (w : R -> R) L a b t0 eps : 0 <= L -> 0 < eps ->
  (forall t, 0 <= t <= 1 -> Rabs (w t - w t0) <= L * Rabs (t - t0)) ->
  exists d, 0 < d /\ forall d', 0 < d' <= d -> forall t, 0 <= t <= 1 -> Rabs (t - t0) < d' ->
    Rabs (lin1 (w t) a b - lin1 (w t0) a b) < eps.
Proof.
  intros HL He Hw. set (K := L * Rabs (b - a) + 1).
  assert (HK : 0 < K) by (unfold K; pose proof (Rabs_pos (b - a)); nra).
  exists (eps / K). split; [apply Rdiv_lt_0_compat; assumption|]. intros d' Hd' t Ht Htd.
  replace (lin1 (w t) a b - lin1 (w t0) a b) with ((w t - w t0) * (b - a)) by (unfold lin1; ring).
  rewrite Rabs_mult. specialize (Hw t Ht). pose proof (Rabs_pos (b - a)). pose proof (Rabs_pos (t - t0)).
  assert (Rabs (w t - w t0) * Rabs (b - a) <= L * Rabs (t - t0) * Rabs (b - a)) by (apply Rmult_le_compat_r; lra).
  assert (L * Rabs (t - t0) * Rabs (b - a) <= Rabs (t - t0) * (K - 1)) by (unfold K; nra).
  assert (Rabs (t - t0) * K < eps / K * K) by (apply Rmult_lt_compat_r; lra).
  replace (eps / K * K) with eps in H3 by (field; lra). nra.
Qed.

Section Sound.
  Variables (n : network) (dx h : nat).
  Hypothesis Hw : widths n = [dx; h; 1%nat].
  Let NP := NP dx h.

  (** pieces on the cell, by index *)
  Lemma gp_cont q1 q2 t0 eps :
    (forall i, (i < h)%nat -> 0 < vi dx h q1 i * vi dx h q2 i) -> 0 <= t0 <= 1 -> 0 < eps ->
    exists d, 0 < d /\ forall t, 0 <= t <= 1 -> Rabs (t - t0) < d -> near (gp dx h q1 q2 t0) eps (gp dx h q1 q2 t).
  Proof.
    intros Hv Ht0 He.
    destruct (finite_eps (fun d k => forall t, 0 <= t <= 1 -> Rabs (t - t0) < d ->
               Rabs (lin1 (wt dx h q1 q2 t k) (nth k q1 0) (nth k q2 0) - lin1 (wt dx h q1 q2 t0 k) (nth k q1 0) (nth k q2 0)) < eps)
             (seq 0 (CellPath.NP dx h))) as [d [Hd H]].
    - intros k _. unfold wt.
      assert (Mu : forall i, (i < h)%nat -> exists d, 0 < d /\ forall d', 0 < d' <= d -> forall t, 0 <= t <= 1 -> Rabs (t - t0) < d' ->
                Rabs (lin1 (mu t (vi dx h q1 i) (vi dx h q2 i)) (nth k q1 0) (nth k q2 0) -
                      lin1 (mu t0 (vi dx h q1 i) (vi dx h q2 i)) (nth k q1 0) (nth k q2 0)) < eps).
      { intros i Hi. specialize (Hv i Hi). set (a := vi dx h q1 i). set (b := vi dx h q2 i). fold a b in Hv.
        apply (lin1_cont (fun t => mu t a b) (Rabs (a * b) / (Rmin (Rabs a) (Rabs b)) ^ 2)); [|exact He|].
        - apply Rmult_le_pos; [apply Rabs_pos|]. apply Rlt_le, Rinv_0_lt_compat. apply pow_lt.
          apply Rmin_glb_lt; apply Rabs_pos_lt; intro E; rewrite E in Hv; lra.
        - intros t Ht. apply mu_lip; assumption. }
      destruct (Nat.ltb k (h * dx)) eqn:E1; [|destruct (Nat.ltb k (h * dx + h)) eqn:E2].
      + apply Nat.ltb_lt in E1. apply Mu. assert (dx <> 0%nat) by (intro D; subst; lia). apply Nat.div_lt_upper_bound; lia.
      + apply Nat.ltb_lt in E2. apply Nat.ltb_ge in E1. apply Mu. lia.
      + apply (lin1_cont (fun t => t) 1); [lra|exact He|]. intros t _. lra.
    - exists d. split; [exact Hd|]. intros t Ht Htd. unfold near, gp.
      apply Forall2_map_same, Forall_forall. intros k Hk.
      apply (H k Hk d (conj Hd (Rle_refl d)) t Ht Htd).
  Qed.

  (** The parameter vectors of the signed cell of [P] move along [gp] inside it, with convex risk. *)
  Variable data : list sample.
  Variable P : list R.
  Hypothesis HlP : length P = NP.
  Hypothesis Hy : forall s, In s data -> length (snd s) = 1%nat.
  Hypothesis Hok : loss_ok (lossk n) = true.
  (** the pieces of [P]: on every sample, every neuron of a cell parameter is on [P]'s piece *)
  Variable piece : list Q -> nat -> Q * Q.
  Hypothesis Hpiece : forall q s i, in_cell n data P q -> In s data -> (i < h)%nat ->
    act (activ n) (zi dx h q (map Q2R (fst s)) i) =
      Q2R (fst (piece (fst s) i)) * zi dx h q (map Q2R (fst s)) i + Q2R (snd (piece (fst s) i)).

  Lemma signed_len q : in_signed_cell n data P q -> length q = NP.
  Proof. intros [[H _] _]. congruence. Qed.

  Lemma signed_v q i : in_signed_cell n data P q -> (i < h)%nat -> 0 < vi dx h P i * vi dx h q i.
  Proof.
    intros Hq Hi. pose proof (signed_len q Hq) as Hl. destruct Hq as [_ Hs].
    rewrite !(outw_idx n dx h Hw) in Hs by assumption. apply Forall2_map_same in Hs.
    rewrite Forall_forall in Hs. apply Hs, in_seq. lia.
  Qed.

  Lemma gp_signed q1 q2 t : in_signed_cell n data P q1 -> in_signed_cell n data P q2 -> 0 <= t <= 1 ->
    in_signed_cell n data P (gp dx h q1 q2 t).
  Proof.
    intros H1 H2 Ht. pose proof (signed_len _ H1) as L1. pose proof (signed_len _ H2) as L2.
    assert (Lg : length (gp dx h q1 q2 t) = NP) by apply gp_length.
    assert (V12 : forall i, (i < h)%nat -> 0 < vi dx h q1 i * vi dx h q2 i).
    { intros i Hi. pose proof (signed_v _ i H1 Hi). pose proof (signed_v _ i H2 Hi).
      assert (0 < vi dx h P i * vi dx h P i) by (destruct (Req_dec (vi dx h P i) 0) as [E|E]; [rewrite E in *; lra|nra]). nra. }
    split; [split|].
    - congruence.
    - destruct H1 as [[_ C1] _]. destruct H2 as [[_ C2] _]. rewrite Forall_forall in *. intros s Hs.
      specialize (C1 s Hs). specialize (C2 s Hs).
      rewrite !(hidden_idx n dx h Hw) in * by assumption. apply Forall2_map_same in C1, C2. apply Forall2_map_same.
      rewrite Forall_forall in *. intros i Hi. apply in_seq in Hi. rewrite zi_gp by lia.
      apply same_side_lin; [apply C1, in_seq; lia|apply C2, in_seq; lia|]. apply mu_range; [apply V12; lia|exact Ht].
    - rewrite !(outw_idx n dx h Hw) by assumption. apply Forall2_map_same, Forall_forall. intros i Hi. apply in_seq in Hi.
      rewrite vi_gp by lia. pose proof (signed_v _ i H1 ltac:(lia)). pose proof (signed_v _ i H2 ltac:(lia)).
      unfold lin1. replace (vi dx h P i * (vi dx h q1 i + t * (vi dx h q2 i - vi dx h q1 i)))
        with ((1 - t) * (vi dx h P i * vi dx h q1 i) + t * (vi dx h P i * vi dx h q2 i)) by ring.
      destruct (Rlt_dec 0 t); [nra|]. assert (t = 0) by lra. subst. lra.
  Qed.

  Lemma gp_out q1 q2 t s : in_signed_cell n data P q1 -> in_signed_cell n data P q2 -> 0 <= t <= 1 -> In s data ->
    outR n dx h (gp dx h q1 q2 t) (fst s) = (1 - t) * outR n dx h q1 (fst s) + t * outR n dx h q2 (fst s).
  Proof.
    intros H1 H2 Ht Hs. pose proof (gp_signed _ _ _ H1 H2 Ht) as Hg.
    rewrite !(outR_idx n dx h) by (try apply gp_length; apply signed_len; assumption).
    rewrite b2i_gp.
    transitivity (sum (map (fun i => (1 - t) * (vi dx h q1 i * act (activ n) (zi dx h q1 (map Q2R (fst s)) i)) +
                                     t * (vi dx h q2 i * act (activ n) (zi dx h q2 (map Q2R (fst s)) i))) (seq 0 h)) + lin1 t (b2i dx h q1) (b2i dx h q2)).
    - f_equal. apply sum_map_ext_in. intros i Hi. apply in_seq in Hi.
      assert (V12 : 0 < vi dx h q1 i * vi dx h q2 i).
      { pose proof (signed_v _ i H1 ltac:(lia)). pose proof (signed_v _ i H2 ltac:(lia)).
        assert (0 < vi dx h P i * vi dx h P i) by (destruct (Req_dec (vi dx h P i) 0) as [E|E]; [rewrite E in *; lra|nra]). nra. }
      destruct (mu_range t _ _ V12 Ht) as [_ HV].
      rewrite (Hpiece _ s i (proj1 Hg) Hs ltac:(lia)), (Hpiece _ s i (proj1 H1) Hs ltac:(lia)), (Hpiece _ s i (proj1 H2) Hs ltac:(lia)).
      rewrite vi_gp, zi_gp by lia. unfold lin1, mu. field. exact HV.
    - rewrite sum_map_plus, !sum_map_scale. unfold lin1. ring.
  Qed.

  Lemma gp_risk q1 q2 t : in_signed_cell n data P q1 -> in_signed_cell n data P q2 -> 0 <= t <= 1 ->
    risk n data (gp dx h q1 q2 t) <= (1 - t) * risk n data q1 + t * risk n data q2.
  Proof.
    intros H1 H2 Ht.
    rewrite !(risk_R n dx h Hw) by (try apply gp_length; try apply signed_len; assumption).
    rewrite <- !sum_map_scale, <- sum_map_plus. apply sum_map_le. intros s Hs.
    rewrite (gp_out _ _ _ _ H1 H2 Ht Hs). apply ell_convex; assumption.
  Qed.
End Sound.

Lemma Forall2_nth_gen {A B} (R0 : A -> B -> Prop) l1 l2 i d1 d2 :
  Forall2 R0 l1 l2 -> (i < length l1)%nat -> R0 (nth i l1 d1) (nth i l2 d2).
Proof.
  intro H. revert i; induction H as [|a b l1 l2 Hab H IH]; intros i Hi; simpl in Hi; [lia|].
  destruct i; simpl; [exact Hab|]. apply IH. lia.
Qed.

Lemma nth_map_d {A B} (f : A -> B) l i d' d : (i < length l)%nat -> nth i (map f l) d' = f (nth i l d).
Proof. revert i; induction l as [|a l IH]; intros [|i] H; simpl in *; try lia; auto. apply IH. lia. Qed.

Lemma collect_some_in {A B} (f : A -> option B) l r : collect (map f l) = Some r -> forall a, In a l -> exists b, f a = Some b.
Proof.
  revert r; induction l as [|x l IH]; intros r H a Ha; [contradiction|]. simpl in H.
  destruct (f x) eqn:Ex; [|discriminate]. destruct (collect (map f l)) eqn:El; [|discriminate].
  destruct Ha as [<-|Ha]; [exists b; exact Ex|]. apply (IH l0 eq_refl a Ha).
Qed.

Lemma in_combine_Forall2 {A B} (R0 : A -> B -> Prop) l1 l2 a b : Forall2 R0 l1 l2 -> In (b, a) (combine l2 l1) -> R0 a b.
Proof.
  intro H. revert a b; induction H as [|x y l1 l2 Hxy H IH]; intros a b Hin; simpl in Hin; [contradiction|].
  destruct Hin as [E|Hin]; [injection E as <- <-; exact Hxy|]. apply IH, Hin.
Qed.

Lemma map_snd_snd {A B C} (l1 : list A) (l2 : list B) (l3 : list C) :
  length l1 = length l3 -> length l2 = length l3 -> map (fun t => snd (snd t)) (combine l1 (combine l2 l3)) = l3.
Proof.
  revert l2 l3; induction l1 as [|a l1 IH]; intros [|b l2] [|c l3] H1 H2; simpl in *; try discriminate; auto.
  f_equal. apply IH; lia.
Qed.

Ltac split_and H :=
  repeat match type of H with
  | (_ && _) = true => let H' := fresh "C" in apply andb_prop in H; destruct H as [H H']
  end.

Theorem cell_sound n data c :
  check_cell n data c = true ->
  cell_minima n data (params (cl_point c)) /\ risk n data (params (cl_point c)) = Q2R (cl_loss c).
Proof.
  unfold check_cell. destruct (shape2 (widths n)) as [[dx h]|] eqn:Hw; [|discriminate].
  apply shape2_spec in Hw. intro H. apply andb_prop in H. destruct H as [Hok H].
  unfold cell_core in H. cbv zeta in H.
  set (p := cl_point c) in *.
  set (nb := combine (rows h dx p) (firstn h (skipn (h * dx) p))) in H.
  set (v := firstn h (skipn (h * dx + h) p)) in H.
  set (b2 := hd 0%Q (skipn h (skipn (h * dx + h) p))) in H.
  set (out := fun x => qadd (qdot v (map (fun wb => act_q (activ n) (preact wb x)) nb)) b2) in H.
  split_and H. rename H into Hlp, C1 into Hds, C0 into Hv.
  destruct (collect (map (fun s => collect (map (fun wb => piece_of (activ n) (preact wb (fst s))) nb)) data)) as [pcs|] eqn:Hc; [|discriminate].
  cbv iota in C.
  match type of C with context [combine ?g (combine pcs data)] => set (gs := g) in C end.
  set (T := combine gs (combine pcs data)) in C.
  split_and C. rename C into Hlg, C0 into Hloss, C1 into Hcols, C2 into Hsub.
  apply Nat.eqb_eq in Hlp, Hlg. rewrite forallb_forall in Hds, Hv, Hsub, Hcols.
  set (P := params p).
  assert (HlP : length P = NP dx h) by (unfold P, params, NP; rewrite map_length; exact Hlp).
  assert (Hx : forall s, In s data -> length (fst s) = dx).
  { intros s Hs. specialize (Hds s Hs). apply andb_prop in Hds. apply Nat.eqb_eq, Hds. }
  assert (Hy : forall s, In s data -> length (snd s) = 1%nat).
  { intros s Hs. specialize (Hds s Hs). apply andb_prop in Hds. apply Nat.eqb_eq, Hds. }
  pose proof (collect_Forall2 _ _ _ Hc) as Hpcs.
  assert (Hlpc : length pcs = length data) by (symmetry; apply (Forall2_len _ _ _ Hpcs)).
  assert (HT : forall t, In t T -> In (snd (snd t)) data /\
             Forall2 (fun wb sc => piece_of (activ n) (preact wb (fst (snd (snd t)))) = Some sc) nb (fst (snd t))).
  { intros [g [pc s]] Hin. simpl. apply in_combine_r in Hin. split; [apply in_combine_r in Hin; exact Hin|].
    apply collect_Forall2. exact (in_combine_Forall2 _ _ _ _ _ Hpcs Hin). }
  assert (HnbR : nbR dx h P = map (fun wb => (map Q2R (fst wb), Q2R (snd wb))) nb).
  { unfold nbR, P, params, nb. rewrite rows_map, skipn_map, firstn_map, combine_map. reflexivity. }
  assert (HhidP : forall x, hidden_pre n P x = map (fun wb => Q2R (preact wb x)) nb).
  { intro x. rewrite (hidden_pre_R n dx h Hw), HnbR, map_map. apply map_ext. intro. rewrite preact_R. reflexivity. }
  assert (HoutP : forall x, outR n dx h P x = Q2R (out x)).
  { intro x. unfold outR, out. rewrite qadd_R, qdot_R, HnbR, map_map.
    assert (E1 : vR dx h P = map Q2R v) by (unfold vR, P, params, v; rewrite skipn_map, firstn_map; reflexivity).
    assert (E2 : b2R dx h P = Q2R b2).
    { unfold b2R, P, params, b2. rewrite !skipn_map. destruct (skipn h (skipn (h * dx + h) p)); simpl; [symmetry; apply Q2R_0|reflexivity]. }
    rewrite E1, E2. f_equal. f_equal. rewrite map_map. apply map_ext. intro. rewrite act_q_R, preact_R. reflexivity. }
  assert (Hdata : forall f, sum (map f data) = sum (map (fun t => f (snd (snd t))) T)).
  { intro f. rewrite <- (map_snd_snd gs pcs data) by assumption. fold T. rewrite map_map. reflexivity. }
  (* G Phi = 0 *)
  assert (Horth : forall w, sum (map (fun t => Q2R (fst t) * dot w (map Q2R (phi (fst (snd t)) (fst (snd (snd t)))))) T) = 0).
  { intro w. apply (orth_dot T (fun t => Q2R (fst t)) (fun t => map Q2R (phi (fst (snd t)) (fst (snd (snd t)))))).
    intro l. destruct (Nat.lt_ge_cases l (list_max (map (fun t => length (phi (fst (snd t)) (fst (snd (snd t))))) T))) as [L|L].
    - specialize (Hcols l (proj2 (in_seq _ 0 l) (conj (Nat.le_0_l l) L))).
      apply qeq_R in Hcols. rewrite qsum_R, map_map, Q2R_0 in Hcols.
      transitivity (sum (map (fun t => Q2R (fst t * nth l (phi (fst (snd t)) (fst (snd (snd t)))) 0)%Q) T)); [|exact Hcols].
      apply sum_map_ext_in. intros t _. rewrite qmul_R, nth_map_Q2R. reflexivity.
    - apply sum_map_zero_in. intros t Ht. rewrite nth_overflow; [ring|]. rewrite map_length.
      apply list_max_le in L. rewrite Forall_forall in L. apply L. apply in_map_iff. exists t. split; [reflexivity|exact Ht]. }
  assert (Hcout : forall q t, in_cell n data P q -> In t T ->
            outR n dx h q (fst (snd (snd t))) = dot (liftR (nbR dx h q) (vR dx h q) (b2R dx h q)) (map Q2R (phi (fst (snd t)) (fst (snd (snd t)))))).
  { intros q t [Lq Cq] Ht. destruct (HT t Ht) as [Hs Hp].
    apply (cell_out n dx h Hw nb); [unfold P, params in Lq; rewrite map_length in Lq; congruence|apply Hx, Hs|exact Hp|].
    rewrite Forall_forall in Cq. rewrite <- HhidP. apply Cq, Hs. }
  (* [P] is in its own cell *)
  assert (Hself : in_cell n data P P).
  { split; [reflexivity|]. apply Forall_forall. intros s Hs. rewrite HhidP.
    destruct (collect_some_in _ _ _ Hc s Hs) as [pc Hpc]. pose proof (collect_Forall2 _ _ _ Hpc) as HF.
    clear -HF. induction HF as [|wb [s' c'] nb' pc' H0 _ IH]; simpl; constructor; [|exact IH].
    exact (piece_self _ _ _ _ H0). }
  (* (1) the point minimises the risk over its cell *)
  assert (Hmin : forall q, in_cell n data P q -> risk n data P <= risk n data q).
  { intros q Hq. assert (Lq : length q = nparams [dx; h; 1%nat]) by (destruct Hq as [Lq _]; unfold NP in HlP; congruence).
    assert (LP : length P = nparams [dx; h; 1%nat]) by exact HlP.
    rewrite !(risk_R n dx h Hw) by assumption. rewrite !Hdata.
    apply Rle_trans with (sum (map (fun t : Q * (list (Q * Q) * sample) => ell (lossk n) (outR n dx h P (fst (snd (snd t)))) (Q2R (hd 0%Q (snd (snd (snd t)))))
                                          + Q2R (fst t) * (outR n dx h q (fst (snd (snd t))) - outR n dx h P (fst (snd (snd t))))) T)).
    - rewrite sum_map_plus.
      assert (Z : sum (map (fun t : Q * (list (Q * Q) * sample) => Q2R (fst t) * (outR n dx h q (fst (snd (snd t))) - outR n dx h P (fst (snd (snd t))))) T) = 0).
      { transitivity (sum (map (fun t : Q * (list (Q * Q) * sample) => Q2R (fst t) * dot (liftR (nbR dx h q) (vR dx h q) (b2R dx h q)) (map Q2R (phi (fst (snd t)) (fst (snd (snd t)))))
                                      + (-1) * (Q2R (fst t) * dot (liftR (nbR dx h P) (vR dx h P) (b2R dx h P)) (map Q2R (phi (fst (snd t)) (fst (snd (snd t))))))) T)).
        - apply sum_map_ext_in. intros t Ht. rewrite (Hcout q t Hq Ht), (Hcout P t Hself Ht). ring.
        - rewrite sum_map_plus, sum_map_scale, !Horth. ring. }
      lra.
    - apply sum_map_le. intros t Ht. rewrite HoutP. specialize (Hsub t Ht).
      exact (subgrad_sound _ _ _ _ _ Hok Hsub). }
  (* a box around the point lies in its cell *)
  assert (Hbox : exists e, 0 < e /\ forall q, near P e q -> in_cell n data P q).
  { set (bs := breakpoints (activ n)).
    destruct (finite_eps (fun e i => forall s, In s data -> forall b, In b bs -> forall q, Forall2 (fun x y => Rabs (x - y) < e) q P ->
                 (zi dx h P (map Q2R (fst s)) i < Q2R b /\ zi dx h q (map Q2R (fst s)) i < Q2R b) \/
                 (Q2R b < zi dx h P (map Q2R (fst s)) i /\ Q2R b < zi dx h q (map Q2R (fst s)) i)) (seq 0 h)) as [e [He HE]].
    - intros i Hi. apply in_seq in Hi.
      destruct (finite_eps (fun e s => forall b, In b bs -> forall q, Forall2 (fun x y => Rabs (x - y) < e) q P ->
                 (zi dx h P (map Q2R (fst s)) i < Q2R b /\ zi dx h q (map Q2R (fst s)) i < Q2R b) \/
                 (Q2R b < zi dx h P (map Q2R (fst s)) i /\ Q2R b < zi dx h q (map Q2R (fst s)) i)) data) as [e1 [He1 H1]].
      2: { exists e1. split; [exact He1|]. intros e' He' s Hs b Hb q Hq. exact (H1 s Hs e' He' b Hb q Hq). }
      intros s Hs.
      destruct (finite_eps (fun e b => forall q, Forall2 (fun x y => Rabs (x - y) < e) q P ->
                 (zi dx h P (map Q2R (fst s)) i < Q2R b /\ zi dx h q (map Q2R (fst s)) i < Q2R b) \/
                 (Q2R b < zi dx h P (map Q2R (fst s)) i /\ Q2R b < zi dx h q (map Q2R (fst s)) i)) bs) as [e [He HB]].
      + intros b Hb.
        assert (Hside : zi dx h P (map Q2R (fst s)) i < Q2R b \/ Q2R b < zi dx h P (map Q2R (fst s)) i).
        { pose proof (proj2 Hself) as HF. rewrite Forall_forall in HF. pose proof (HF s Hs) as HS. rewrite !(hidden_idx n dx h Hw) in HS by exact HlP.
          apply Forall2_map_same in HS. rewrite Forall_forall in HS. specialize (HS i ltac:(apply in_seq; lia)).
          unfold same_side in HS. rewrite Forall_forall in HS. destruct (HS b Hb) as [[A _]|[A _]]; [left|right]; exact A. }
        set (w := map (fun k => nth k P 0) (seq (i * dx) dx)). set (bP := nth (h * dx + i) P 0).
        assert (Hcl : forall e q, Forall2 (fun x y => Rabs (x - y) < e) q P ->
                  close e (map (fun k => nth k q 0) (seq (i * dx) dx)) (nth (h * dx + i) q 0) w bP).
        { intros e' q Hq. pose proof (Forall2_len _ _ _ Hq) as Lq. rewrite NP_eq in HlP. split.
          - unfold w. apply Forall2_map_same, Forall_forall. intros k Hk. apply in_seq in Hk.
            exact (Forall2_nth' (fun x y => Rabs (x - y) < e') q P k Hq ltac:(nia)).
          - exact (Forall2_nth' (fun x y => Rabs (x - y) < e') q P (h * dx + i) Hq ltac:(lia)). }
        destruct Hside as [Hlt|Hgt].
        * destruct (margin w bP (map Q2R (fst s)) (fun z => Q2R b - z)) as [e [He H]].
          { intros z z'. pose proof (Rle_abs (- (z' - z))). rewrite Rabs_Ropp in H. lra. }
          { cbv beta. unfold zi in Hlt. fold w bP in Hlt. lra. }
          exists e. split; [exact He|]. intros e' He' q Hq. left. split; [exact Hlt|].
          specialize (H e' He' _ _ (Hcl e' q Hq)). cbv beta in H. unfold zi. lra.
        * destruct (margin w bP (map Q2R (fst s)) (fun z => z - Q2R b)) as [e [He H]].
          { intros z z'. pose proof (Rle_abs (z' - z)). lra. }
          { cbv beta. unfold zi in Hgt. fold w bP in Hgt. lra. }
          exists e. split; [exact He|]. intros e' He' q Hq. right. split; [exact Hgt|].
          specialize (H e' He' _ _ (Hcl e' q Hq)). cbv beta in H. unfold zi. lra.
      + exists e. split; [exact He|]. intros e' He' b Hb q Hq. apply (HB b Hb e' He' q Hq).
    - exists e. split; [exact He|]. intros q Hq. unfold near in Hq.
      assert (Lq : length q = NP dx h) by (apply Forall2_len in Hq; congruence).
      split; [congruence|]. apply Forall_forall. intros s Hs.
      rewrite !(hidden_idx n dx h Hw) by assumption. apply Forall2_map_same, Forall_forall. intros i Hi.
      unfold same_side. apply Forall_forall. intros b Hb.
      exact (HE i Hi e (conj He (Rle_refl e)) s Hs b Hb q Hq). }
  (* the pieces, as a function of the sample *)
  set (piece := fun (x : list Q) (i : nat) =>
                  match piece_of (activ n) (preact (nth i nb ([], 0%Q)) x) with Some sc => sc | None => (0%Q, 0%Q) end).
  assert (Hlnb : length nb = h).
  { unfold nb. rewrite combine_length, rows_length, firstn_length, skipn_length. rewrite NP_eq in HlP.
    unfold P, params in HlP. rewrite map_length in HlP. lia. }
  assert (Hpiece : forall q s i, in_cell n data P q -> In s data -> (i < h)%nat ->
            act (activ n) (zi dx h q (map Q2R (fst s)) i) =
              Q2R (fst (piece (fst s) i)) * zi dx h q (map Q2R (fst s)) i + Q2R (snd (piece (fst s) i))).
  { intros q s i [Lq Cq] Hs Hi. rewrite Forall_forall in Cq. specialize (Cq s Hs).
    assert (Lq' : length q = NP dx h) by congruence.
    rewrite (hidden_idx n dx h Hw q) in Cq by exact Lq'. rewrite HhidP in Cq.
    assert (HS : same_side (breakpoints (activ n)) (Q2R (preact (nth i nb ([], 0%Q)) (fst s))) (zi dx h q (map Q2R (fst s)) i)).
    { pose proof (Forall2_nth_gen _ _ _ i 0 0 Cq ltac:(rewrite map_length; lia)) as HS0.
      rewrite nth_map_seq in HS0 by lia. simpl in HS0.
      rewrite (nth_map_d _ _ _ _ ([], 0%Q)) in HS0 by lia. exact HS0. }
    unfold piece. destruct (piece_of (activ n) (preact (nth i nb ([], 0%Q)) (fst s))) as [[s' c']|] eqn:E.
    - exact (piece_same _ _ _ _ _ E HS).
    - exfalso. destruct (collect_some_in _ _ _ Hc s Hs) as [pc Hpc].
      destruct (collect_some_in _ _ _ Hpc (nth i nb ([], 0%Q))) as [sc Hsc]; [apply nth_In; lia|]. congruence. }
  assert (HvP : forall i, (i < h)%nat -> vi dx h P i <> 0).
  { intros i Hi E. assert (Lp := Hlp). simpl in Lp. unfold vi, P, params in E.
    rewrite (nth_map_d _ _ _ _ 0%Q) in E by lia.
    assert (Hin : In (nth i v 0%Q) v) by (apply nth_In; unfold v; rewrite firstn_length, skipn_length; lia).
    unfold v in Hin at 1. rewrite nth_firstn', nth_skipn' in Hin by lia.
    specialize (Hv _ Hin). rewrite <- Q2R_0 in E. apply eqR_Qeq, Qeq_bool_iff in E. rewrite E in Hv. discriminate. }
  assert (HPs : in_signed_cell n data P P).
  { split; [exact Hself|]. rewrite (outw_idx n dx h Hw P HlP). apply Forall2_map_same, Forall_forall.
    intros i Hi. apply in_seq in Hi. pose proof (Rsqr_pos_lt _ (HvP i ltac:(lia))) as S. unfold Rsqr in S. exact S. }
  assert (Hrisk : risk n data P = Q2R (cl_loss c)).
  { rewrite (risk_R n dx h Hw data P HlP Hy). apply qeq_R in Hloss. rewrite <- Hloss, qsum_R, map_map.
    apply sum_map_ext_in. intros s _. rewrite HoutP, ell_q_R by exact Hok. reflexivity. }
  split; [|exact Hrisk].
  cbv beta zeta delta [cell_minima]. split; [|split; [|split]].
  - destruct Hbox as [e [He HB]]. exists e. split; [exact He|]. intros q Hq. apply Hmin, HB, Hq.
  - exact Hmin.
  - intros q Hq [eps [He Hloc]]. apply Rle_antisym; [|apply Hmin, (proj1 Hq)].
    destruct (Rle_dec (risk n data q) (risk n data P)) as [L|L]; [exact L|exfalso].
    assert (Lq : length q = NP dx h) by (destruct Hq as [[Lq _] _]; congruence).
    assert (V : forall i, (i < h)%nat -> 0 < vi dx h q i * vi dx h P i).
    { intros i Hi. pose proof (signed_v n dx h Hw data P HlP q i Hq Hi) as S. rewrite Rmult_comm. exact S. }
    destruct (gp_cont n dx h Hw q P 0 eps V ltac:(lra) He) as [d [Hd Hc']].
    set (t := Rmin (d / 2) 1).
    assert (Ht : 0 < t <= 1) by (unfold t; split; [apply Rmin_glb_lt; lra|apply Rmin_r]).
    assert (Htd : Rabs (t - 0) < d).
    { rewrite Rminus_0_r, Rabs_pos_eq by lra. pose proof (Rmin_l (d / 2) 1). fold t in H. lra. }
    specialize (Hc' t ltac:(lra) Htd). rewrite (gp_0 dx h q P Lq) in Hc'.
    pose proof (Hloc _ Hc' (gp_signed n dx h Hw data P HlP q P t Hq HPs ltac:(lra))) as A.
    pose proof (gp_risk n dx h Hw data P HlP Hy Hok piece Hpiece q P t Hq HPs ltac:(lra)) as B.
    assert (0 < t * (risk n data q - risk n data P)) by (apply Rmult_lt_0_compat; lra). nra.
  - intros q1 q2 H1 H2 E1 E2. exists (gp dx h q1 q2).
    assert (L1 : length q1 = NP dx h) by (destruct H1 as [[L _] _]; congruence).
    assert (L2 : length q2 = NP dx h) by (destruct H2 as [[L _] _]; congruence).
    assert (V : forall i, (i < h)%nat -> 0 < vi dx h q1 i * vi dx h q2 i).
    { intros i Hi. pose proof (signed_v n dx h Hw data P HlP q1 i H1 Hi). pose proof (signed_v n dx h Hw data P HlP q2 i H2 Hi).
      pose proof (Rsqr_pos_lt _ (HvP i Hi)) as S. unfold Rsqr in S. nra. }
    split; [apply gp_0, L1|]. split.
    { apply gp_1; [exact L2|]. intros i Hi Z. pose proof (V i Hi) as S. rewrite Z in S. lra. }
    split.
    + intros t Ht. pose proof (gp_signed n dx h Hw data P HlP q1 q2 t H1 H2 Ht) as G. split; [exact G|].
      apply Rle_antisym; [|apply Hmin, (proj1 G)].
      pose proof (gp_risk n dx h Hw data P HlP Hy Hok piece Hpiece q1 q2 t H1 H2 Ht) as B. rewrite E1, E2 in B. lra.
    + intros t0 eps Ht0 He. exact (gp_cont n dx h Hw q1 q2 t0 eps V Ht0 He).
Qed.

Corollary cell_minima_sound n data c : check_cell n data c = true -> cell_minima n data (params (cl_point c)).
Proof. intro H. apply (cell_sound n data c H). Qed.

Corollary cell_value n data c : check_cell n data c = true -> risk n data (params (cl_point c)) = Q2R (cl_loss c).
Proof. intro H. apply (cell_sound n data c H). Qed.
