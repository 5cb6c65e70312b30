(** * Exact rational computation that the reflective checkers run, and its meaning in R.

    [qadd] adds two rationals of the same denominator without multiplying denominators, so sums
    of numbers over a common denominator stay over that denominator (integers over a common
    denominator); otherwise it is [Qplus]. Nothing is reduced. Every operation is proved to
    agree with the real operation through [Q2R]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs.
Import ListNotations.

Definition qadd (x y : Q) : Q :=
  let dx := Zpos (Qden x) in let dy := Zpos (Qden y) in
  if Pos.eqb (Qden x) (Qden y) then Qmake (Qnum x + Qnum y) (Qden x)
  else if (dx mod dy =? 0)%Z then Qmake (Qnum x + Qnum y * (dx / dy)) (Qden x)
  else if (dy mod dx =? 0)%Z then Qmake (Qnum x * (dy / dx) + Qnum y) (Qden y)
  else Qplus x y.
Definition qsub (x y : Q) : Q := qadd x (Qopp y).
Definition qabs (x : Q) : Q := Qmake (Z.abs (Qnum x)) (Qden x).
Definition qlt (x y : Q) : bool := negb (Qle_bool y x).
Definition qsum (l : list Q) : Q := fold_right qadd 0%Q l.

Local Open Scope R_scope.

(** [(a + b k) / (k e) = a / (k e) + b / e] *)
Lemma scaled_sum_R a b k (d e : positive) :
  Zpos d = (k * Zpos e)%Z -> IZR (a + b * k) * / IZR (Zpos d) = IZR a * / IZR (Zpos d) + IZR b * / IZR (Zpos e).
Proof.
  intro H. assert (k <> 0)%Z by (intro; subst; discriminate).
  rewrite H, plus_IZR, !mult_IZR. field. split; apply not_0_IZR; lia.
Qed.

Lemma qadd_R x y : Q2R (qadd x y) = Q2R x + Q2R y.
Proof.
  destruct x as [a d], y as [b e]. unfold qadd; simpl.
  destruct (Pos.eqb_spec d e) as [E|_].
  - subst. unfold Q2R; simpl. rewrite plus_IZR. ring.
  - destruct (Z.eqb_spec (Zpos d mod Zpos e) 0) as [E|_].
    + apply Z.mod_divide in E; [|lia]. destruct E as [k Hk].
      assert (k <> 0)%Z by (intro; subst; discriminate).
      replace (Zpos d / Zpos e)%Z with k by (rewrite Hk; symmetry; apply Z.div_mul; lia).
      unfold Q2R; simpl. apply scaled_sum_R, Hk.
    + destruct (Z.eqb_spec (Zpos e mod Zpos d) 0) as [E|_].
      * apply Z.mod_divide in E; [|lia]. destruct E as [k Hk].
        assert (k <> 0)%Z by (intro; subst; discriminate).
        replace (Zpos e / Zpos d)%Z with k by (rewrite Hk; symmetry; apply Z.div_mul; lia).
        unfold Q2R; simpl. rewrite Z.add_comm, Rplus_comm. apply scaled_sum_R, Hk.
      * apply Q2R_plus.
Qed.

Lemma qmul_R x y : Q2R (x * y)%Q = Q2R x * Q2R y.
Proof. apply Q2R_mult. Qed.

Lemma qsub_R x y : Q2R (qsub x y) = Q2R x - Q2R y.
Proof. unfold qsub. rewrite qadd_R, Q2R_opp. ring. Qed.

Lemma qabs_R x : Q2R (qabs x) = Rabs (Q2R x).
Proof.
  destruct x as [a d]. unfold qabs, Q2R; simpl.
  rewrite Rabs_mult, <- abs_IZR. f_equal.
  rewrite Rabs_pos_eq; [reflexivity|].
  apply Rlt_le, Rinv_0_lt_compat, IZR_lt. reflexivity.
Qed.

Lemma qlt_R x y : qlt x y = true -> Q2R x < Q2R y.
Proof.
  unfold qlt. intro H. apply Qlt_Rlt. apply Qnot_le_lt. intro L.
  apply Qle_bool_iff in L. rewrite L in H. discriminate.
Qed.

Lemma qeq_R x y : Qeq_bool x y = true -> Q2R x = Q2R y.
Proof. intro H. apply Qeq_eqR. apply Qeq_bool_iff. exact H. Qed.

Lemma Q2R_0 : Q2R 0%Q = 0.
Proof. unfold Q2R; simpl. field. Qed.

Lemma Q2R_1 : Q2R 1%Q = 1.
Proof. unfold Q2R; simpl. field. Qed.

Lemma qsum_R l : Q2R (qsum l) = sum (map Q2R l).
Proof.
  induction l as [|a l IH]; simpl.
  - apply Q2R_0.
  - rewrite qadd_R, IH. reflexivity.
Qed.

(** ** Integers over a common denominator *)
Definition rescale (D : positive) (q : Q) : Q :=
  if (Zpos D mod Zpos (Qden q) =? 0)%Z then Qmake (Qnum q * (Zpos D / Zpos (Qden q))) D else q.

Definition common_den (l : list Q) : positive :=
  fold_right (fun q acc => Z.to_pos (Z.lcm (Zpos (Qden q)) (Zpos acc))) 1%positive l.

Definition over_common (l : list Q) : list Q := map (rescale (common_den l)) l.

Lemma rescale_R D q : Q2R (rescale D q) = Q2R q.
Proof.
  unfold rescale. destruct (Z.eqb_spec (Zpos D mod Zpos (Qden q)) 0) as [E|_]; [|reflexivity].
  destruct q as [n d]; simpl in *.
  apply Z.mod_divide in E; [|lia]. destruct E as [k Hk].
  assert (k <> 0)%Z by (intro; subst; discriminate).
  unfold Q2R; simpl. rewrite Hk, Z.div_mul by lia. rewrite !mult_IZR.
  field. split; apply not_0_IZR; lia.
Qed.

Lemma over_common_R l : map Q2R (over_common l) = map Q2R l.
Proof. unfold over_common. rewrite map_map. apply map_ext. apply rescale_R. Qed.

(** ** The network over Q *)
Fixpoint qdot (u v : list Q) : Q :=
  match u, v with
  | a :: u', b :: v' => qadd (a * b)%Q (qdot u' v')
  | _, _ => 0%Q
  end.

Lemma qdot_R u v : Q2R (qdot u v) = dot (map Q2R u) (map Q2R v).
Proof.
  revert v; induction u as [|a u IH]; intros [|b v]; simpl; try apply Q2R_0.
  rewrite qadd_R, qmul_R, IH. reflexivity.
Qed.

Fixpoint pl_eval_q (bs : list Q) (ps : list (Q * Q)) (t : Q) : Q :=
  match ps with
  | [] => 0%Q
  | (s, c) :: ps' =>
      match bs with
      | [] => qadd (s * t)%Q c
      | b :: bs' => if qlt t b then qadd (s * t)%Q c else pl_eval_q bs' ps' t
      end
  end.

Lemma pl_eval_q_R bs ps t : Q2R (pl_eval_q bs ps t) = pl_eval bs ps (Q2R t).
Proof.
  revert bs; induction ps as [|[s c] ps IH]; intros [|b bs]; simpl; try apply Q2R_0.
  - rewrite qadd_R, qmul_R. reflexivity.
  - destruct (qlt t b) eqn:E; destruct (Rlt_dec (Q2R t) (Q2R b)) as [L|L].
    + rewrite qadd_R, qmul_R. reflexivity.
    + apply qlt_R in E. contradiction.
    + exfalso. unfold qlt in E. apply negb_false_iff, Qle_bool_iff, Qle_Rle in E. lra.
    + apply IH.
Qed.

Definition pieces_common (ps : list (Q * Q)) : list (Q * Q) :=
  let D := common_den (map fst ps ++ map snd ps) in
  map (fun sc => (rescale D (fst sc), rescale D (snd sc))) ps.

(** The activation as the checkers evaluate it: slopes and intercepts over one denominator, so
    that every piece gives results over the same denominator. *)
Definition act_q (a : activation) : Q -> Q := pl_eval_q (breakpoints a) (pieces_common (pieces a)).

Lemma pl_eval_rescale bs ps D t :
  pl_eval bs (map (fun sc => (rescale D (fst sc), rescale D (snd sc))) ps) t = pl_eval bs ps t.
Proof.
  revert bs; induction ps as [|[s c] ps IH]; intros [|b bs]; simpl; rewrite ?rescale_R; auto.
  destruct (Rlt_dec t (Q2R b)); auto.
Qed.

Lemma act_q_R a t : Q2R (act_q a t) = act a (Q2R t).
Proof. unfold act_q, act, pieces_common. rewrite pl_eval_q_R. apply pl_eval_rescale. Qed.

Definition qlayer := (list (list Q) * list Q)%type.

Definition apply_qlayer (L : qlayer) (x : list Q) : list Q :=
  map (fun wb => qadd (qdot (fst wb) x) (snd wb)) (combine (fst L) (snd L)).

Fixpoint forward_q (h : Q -> Q) (ls : list qlayer) (x : list Q) : list Q :=
  match ls with
  | [] => x
  | [L] => apply_qlayer L x
  | L :: ls' => forward_q h ls' (map h (apply_qlayer L x))
  end.

Definition layer_R (L : qlayer) : layer := (map (map Q2R) (fst L), map Q2R (snd L)).

Lemma combine_map {A B C D} (f : A -> C) (g : B -> D) l1 l2 :
  combine (map f l1) (map g l2) = map (fun ab => (f (fst ab), g (snd ab))) (combine l1 l2).
Proof.
  revert l2; induction l1 as [|a l1 IH]; intros [|b l2]; simpl; auto. rewrite IH. reflexivity.
Qed.

Lemma apply_qlayer_R L x :
  map Q2R (apply_qlayer L x) = apply_layer (layer_R L) (map Q2R x).
Proof.
  destruct L as [W b]. unfold apply_qlayer, apply_layer, layer_R; simpl.
  rewrite combine_map, !map_map. apply map_ext. intros [w c]; simpl.
  rewrite qadd_R, qdot_R. reflexivity.
Qed.

Lemma forward_q_R hq h ls x :
  (forall t, Q2R (hq t) = h (Q2R t)) ->
  map Q2R (forward_q hq ls x) = forward h (map layer_R ls) (map Q2R x).
Proof.
  intro Hh. revert x; induction ls as [|L ls IH]; intro x; [reflexivity|].
  destruct ls as [|L' ls'].
  - simpl. apply apply_qlayer_R.
  - change (map Q2R (forward_q hq (L' :: ls') (map hq (apply_qlayer L x))) =
            forward h (map layer_R (L' :: ls')) (map h (apply_layer (layer_R L) (map Q2R x)))).
    rewrite IH, map_map. f_equal. rewrite <- apply_qlayer_R, map_map.
    apply map_ext. exact Hh.
Qed.

Lemma rows_map {A B} (f : A -> B) r c p : rows r c (map f p) = map (map f) (rows r c p).
Proof.
  revert p; induction r as [|r IH]; intro p; simpl; [reflexivity|].
  rewrite firstn_map, skipn_map, IH. reflexivity.
Qed.

Lemma layers_map ws p : layers ws (map Q2R p) = map layer_R (layers ws p).
Proof.
  revert p; induction ws as [|n ws IH]; intro p; [reflexivity|].
  destruct ws as [|n' ws']; [reflexivity|].
  change (layers (n :: n' :: ws') (map Q2R p)) with
    ((rows n' n (map Q2R p), firstn n' (skipn (n' * n) (map Q2R p)))
       :: layers (n' :: ws') (skipn (n' * n + n') (map Q2R p))).
  rewrite !skipn_map, IH, rows_map, firstn_map. reflexivity.
Qed.

(** ** The squared-loss risk over Q *)
Definition sample_loss_q (a : activation) (ws : list nat) (p : list Q) (s : sample) : Q :=
  qsum (map (fun oy => let d := qsub (fst oy) (snd oy) in (d * d * (1 # 2))%Q)
            (combine (forward_q (act_q a) (layers ws p) (fst s)) (snd s))).

Definition risk_q (a : activation) (ws : list nat) (data : list sample) (p : list Q) : Q :=
  qsum (map (sample_loss_q a ws p) data).

Lemma risk_q_R n data p :
  lossk n = Squared ->
  Q2R (risk_q (activ n) (widths n) data p) = risk n data (params p).
Proof.
  intro Hl. unfold risk_q, risk. rewrite qsum_R, map_map. f_equal. apply map_ext. intro s.
  unfold sample_loss_q, sample_loss, params. rewrite qsum_R, map_map, Hl.
  rewrite layers_map.
  rewrite <- (forward_q_R (act_q (activ n))).
  2: { intro t. apply act_q_R. }
  rewrite combine_map, map_map. f_equal. apply map_ext. intros [o y]; simpl.
  rewrite !qmul_R, qsub_R. replace (Q2R (1 # 2)) with (/ 2) by (unfold Q2R; simpl; field). unfold Rdiv. ring.
Qed.
