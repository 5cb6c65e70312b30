(** * Exact rational computation that the reflective checkers run, and its meaning in R.

    [qadd] adds two rationals of the same denominator without multiplying denominators, so sums
    of numbers over a common denominator stay over that denominator (integers over a common
    denominator); it scales the smaller denominator when it divides the larger, and otherwise
    cross-multiplies. Nothing is reduced. Every operation is proved to agree with the real
    operation through [Q2R]. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs.
Import ListNotations.

(** Products multiply the shorter binary integer into the longer one ([Pos.mul] walks the bits
    of its first argument), so a small number times a large one costs time linear in the large
    one; [qmul x y] is [x * y] (Leibniz equal, [qmul_eq]). *)
Fixpoint pshorter (a b : positive) : bool :=
  match a, b with
  | xH, _ => true
  | _, xH => false
  | xO a', xO b' | xO a', xI b' | xI a', xO b' | xI a', xI b' => pshorter a' b'
  end.
Definition pmul (a b : positive) : positive := if pshorter a b then Pos.mul a b else Pos.mul b a.
Definition zmul (a b : Z) : Z :=
  match a, b with
  | Z0, _ | _, Z0 => Z0
  | Zpos a', Zpos b' | Zneg a', Zneg b' => Zpos (pmul a' b')
  | Zpos a', Zneg b' | Zneg a', Zpos b' => Zneg (pmul a' b')
  end.
Definition qmul (x y : Q) : Q := Qmake (zmul (Qnum x) (Qnum y)) (pmul (Qden x) (Qden y)).

Lemma pmul_eq a b : pmul a b = Pos.mul a b.
Proof. unfold pmul. destruct (pshorter a b); [reflexivity|apply Pos.mul_comm]. Qed.

Lemma zmul_eq a b : zmul a b = Z.mul a b.
Proof. destruct a, b; simpl; rewrite ?pmul_eq; reflexivity. Qed.

Lemma qmul_eq x y : qmul x y = (x * y)%Q.
Proof. destruct x, y. unfold qmul, Qmult; simpl. rewrite zmul_eq, pmul_eq. reflexivity. Qed.

Definition qcross (x y : Q) : Q :=
  Qmake (zmul (Qnum x) (Zpos (Qden y)) + zmul (Qnum y) (Zpos (Qden x))) (pmul (Qden x) (Qden y)).

(** A quotient [a / b] (a, b > 0). When it is below 2^31 it is computed from the leading bits
    (a 33-bit divisor), which gives the exact quotient whenever [b] divides [a]; [qadd] checks
    [k * b = a], so nothing rests on this guess. *)
Definition quot (a b : Z) : Z :=
  let s := (Z.log2 b - 32)%Z in
  if (Z.log2 a - Z.log2 b <=? 30)%Z && (0 <? s)%Z then Z.div (Z.shiftr a s) (Z.shiftr b s) else Z.div a b.

(** [qadd] adds numbers of equal denominators without multiplying denominators; when one
    denominator is a multiple of the other, it scales only the smaller one. *)
Definition qadd (x y : Q) : Q :=
  let dx := Zpos (Qden x) in let dy := Zpos (Qden y) in
  if (dx =? dy)%Z then Qmake (Qnum x + Qnum y) (Qden x)
  else if (dy <=? dx)%Z then
    let k := quot dx dy in
    if (zmul k dy =? dx)%Z then Qmake (Qnum x + zmul (Qnum y) k) (Qden x) else qcross x y
  else
    let k := quot dy dx in
    if (zmul k dx =? dy)%Z then Qmake (zmul (Qnum x) k + Qnum y) (Qden y) else qcross x y.
Definition qsub (x y : Q) : Q := qadd x (Qopp y).
Definition qabs (x : Q) : Q := Qmake (Z.abs (Qnum x)) (Qden x).
Definition qlt (x y : Q) : bool := negb (Qle_bool y x).
(** [qlt] with the products of [zmul] (the hot loops use it). *)
Definition qltf (x y : Q) : bool := Z.ltb (zmul (Qnum x) (Zpos (Qden y))) (zmul (Qnum y) (Zpos (Qden x))).
Definition qsum (l : list Q) : Q := fold_right qadd 0%Q l.

Local Open Scope R_scope.

(** [(a + b k) / (k e) = a / (k e) + b / e] *)
Lemma scaled_sum_R a b k (d e : positive) :
  Zpos d = (k * Zpos e)%Z -> IZR (a + b * k) * / IZR (Zpos d) = IZR a * / IZR (Zpos d) + IZR b * / IZR (Zpos e).
Proof.
  intro H. assert (k <> 0)%Z by (intro; subst; discriminate).
  rewrite H, plus_IZR, !mult_IZR. field. split; apply not_0_IZR; lia.
Qed.

Lemma qcross_R x y : Q2R (qcross x y) = Q2R x + Q2R y.
Proof.
  destruct x as [a d], y as [b e]. unfold qcross; simpl. rewrite !zmul_eq, pmul_eq.
  apply (Q2R_plus (Qmake a d) (Qmake b e)).
Qed.

Lemma qadd_R x y : Q2R (qadd x y) = Q2R x + Q2R y.
Proof.
  destruct x as [a d], y as [b e]. unfold qadd. cbv zeta. cbn [Qnum Qden].
  destruct (Z.eqb_spec (Zpos d) (Zpos e)) as [E|_].
  - injection E as ->. unfold Q2R; simpl. rewrite plus_IZR. ring.
  - destruct (Zpos e <=? Zpos d)%Z.
    + destruct (Z.eqb_spec (zmul (quot (Zpos d) (Zpos e)) (Zpos e)) (Zpos d)) as [E|_]; [|apply qcross_R].
      rewrite zmul_eq in E. rewrite zmul_eq. unfold Q2R; simpl. apply scaled_sum_R. symmetry. exact E.
    + destruct (Z.eqb_spec (zmul (quot (Zpos e) (Zpos d)) (Zpos d)) (Zpos e)) as [E|_]; [|apply qcross_R].
      rewrite zmul_eq in E. rewrite zmul_eq. unfold Q2R; simpl.
      rewrite Z.add_comm, Rplus_comm. apply scaled_sum_R. symmetry. exact E.
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

Lemma qltf_R x y : qltf x y = true -> Q2R x < Q2R y.
Proof.
  unfold qltf. rewrite !zmul_eq. intro H. apply Qlt_Rlt. apply Z.ltb_lt, H.
Qed.

Lemma qltf_false_R x y : qltf x y = false -> Q2R y <= Q2R x.
Proof. unfold qltf. rewrite !zmul_eq. intro H. apply Qle_Rle. apply Z.ltb_ge, H. Qed.

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
Fixpoint qdot_s (u v : list Q) : Q :=
  match u, v with
  | a :: u', b :: v' => qadd (qmul a b) (qdot_s u' v')
  | _, _ => 0%Q
  end.

Lemma qdot_s_R u v : Q2R (qdot_s u v) = dot (map Q2R u) (map Q2R v).
Proof.
  revert v; induction u as [|a u IH]; intros [|b v]; simpl; try apply Q2R_0.
  rewrite qadd_R, qmul_eq, qmul_R, IH. reflexivity.
Qed.

Fixpoint zdot (u v : list Z) : Z :=
  match u, v with
  | a :: u', b :: v' => zmul a b + zdot u' v'
  | _, _ => 0%Z
  end.

Definition same_den (d : positive) (u : list Q) : bool := forallb (fun q => Pos.eqb (Qden q) d) u.

(** The dot product: when each vector is over one denominator, the numerators' integer dot
    product over the product of the two denominators (one product of denominators in all). *)
Definition qdot (u v : list Q) : Q :=
  match u, v with
  | a :: _, b :: _ =>
      if same_den (Qden a) u && same_den (Qden b) v
      then Qmake (zdot (map Qnum u) (map Qnum v)) (pmul (Qden a) (Qden b)) else qdot_s u v
  | _, _ => 0%Q
  end.

Lemma zdot_R (d e : positive) u v :
  same_den d u = true -> same_den e v = true ->
  IZR (zdot (map Qnum u) (map Qnum v)) * / IZR (Zpos (d * e)) = dot (map Q2R u) (map Q2R v).
Proof.
  revert v; induction u as [|a u IH]; intros [|b v] Hu Hv; simpl; try (rewrite Rmult_0_l; reflexivity).
  unfold same_den in Hu, Hv; simpl in Hu, Hv. apply andb_prop in Hu, Hv.
  destruct Hu as [Ha Hu], Hv as [Hb Hv]. apply Peqb_true_eq in Ha, Hb.
  rewrite <- (IH v Hu Hv), zmul_eq, plus_IZR, mult_IZR. unfold Q2R. rewrite Ha, Hb.
  rewrite Pos2Z.inj_mul, mult_IZR. field. split; apply not_0_IZR; lia.
Qed.

Lemma qdot_R u v : Q2R (qdot u v) = dot (map Q2R u) (map Q2R v).
Proof.
  destruct u as [|a u], v as [|b v]; try apply Q2R_0.
  unfold qdot. destruct (same_den (Qden a) (a :: u) && same_den (Qden b) (b :: v)) eqn:E;
    [|apply qdot_s_R].
  apply andb_prop in E. destruct E as [Eu Ev].
  unfold Q2R at 1; cbn [Qnum Qden]. rewrite pmul_eq. apply zdot_R; assumption.
Qed.

Fixpoint pl_eval_q (bs : list Q) (ps : list (Q * Q)) (t : Q) : Q :=
  match ps with
  | [] => 0%Q
  | (s, c) :: ps' =>
      match bs with
      | [] => qadd (qmul s t) c
      | b :: bs' => if qltf t b then qadd (qmul s t) c else pl_eval_q bs' ps' t
      end
  end.

Lemma pl_eval_q_R bs ps t : Q2R (pl_eval_q bs ps t) = pl_eval bs ps (Q2R t).
Proof.
  revert bs; induction ps as [|[s c] ps IH]; intros [|b bs]; simpl; try apply Q2R_0.
  - rewrite qadd_R, qmul_eq, qmul_R. reflexivity.
  - destruct (qltf t b) eqn:E; destruct (Rlt_dec (Q2R t) (Q2R b)) as [L|L].
    + rewrite qadd_R, qmul_eq, qmul_R. reflexivity.
    + apply qltf_R in E. contradiction.
    + exfalso. apply qltf_false_R in E. lra.
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

(** One output of a layer, [dot w x + b]: the bias is folded into the dot product as
    [b * (d / d)], with [d] the first input's denominator, so that a layer whose weights are over
    one denominator and whose inputs are over another has all terms over the same denominator. *)
Definition one_like (x : list Q) : Q := match x with [] => 1%Q | a :: _ => Qmake (Zpos (Qden a)) (Qden a) end.

Definition neuron_q (w : list Q) (b : Q) (x : list Q) : Q :=
  if Nat.eqb (length w) (length x) then qdot (w ++ [b]) (x ++ [one_like x]) else qadd (qdot w x) b.

Definition apply_qlayer (L : qlayer) (x : list Q) : list Q :=
  map (fun wb => neuron_q (fst wb) (snd wb) x) (combine (fst L) (snd L)).

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

Lemma dot_app1 u x b c : length u = length x -> dot (u ++ [b]) (x ++ [c]) = dot u x + b * c.
Proof.
  revert x; induction u as [|a u IH]; intros [|y x] H; simpl in *; try discriminate.
  - ring.
  - rewrite IH by lia. ring.
Qed.

Lemma neuron_q_R w b x : Q2R (neuron_q w b x) = dot (map Q2R w) (map Q2R x) + Q2R b.
Proof.
  unfold neuron_q. destruct (Nat.eqb_spec (length w) (length x)) as [E|_].
  - rewrite qdot_R, !map_app. cbn [map]. rewrite dot_app1 by (rewrite !map_length; exact E).
    replace (Q2R (one_like x)) with 1; [simpl; ring|].
    destruct x as [|a x]; simpl; [symmetry; apply Q2R_1|].
    unfold Q2R; simpl. field. apply not_0_IZR; lia.
  - rewrite qadd_R, qdot_R. reflexivity.
Qed.

Lemma apply_qlayer_R L x :
  map Q2R (apply_qlayer L x) = apply_layer (layer_R L) (map Q2R x).
Proof.
  destruct L as [W b]. unfold apply_qlayer, apply_layer, layer_R; simpl.
  rewrite combine_map, !map_map. apply map_ext. intros [w c]; simpl.
  apply neuron_q_R.
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
  qsum (map (fun oy => let d := qsub (fst oy) (snd oy) in qmul (qmul d d) (1 # 2))
            (combine (forward_q (act_q a) (layers ws p) (fst s)) (snd s))).

(** The half squares of the residuals of all samples: when they are over one denominator [d]
    (as the network's outputs are when the parameters and the data are each over one), the sum
    of the squared numerators over [2 d^2], computed once. *)
Definition half_sq (d : Q) : Q := qmul (qmul d d) (1 # 2).

Definition zsumsq (l : list Z) : Z := fold_right (fun n acc => zmul n n + acc)%Z 0%Z l.

Definition half_sq_sum (l : list Q) : Q :=
  match l with
  | [] => 0%Q
  | d :: _ => if same_den (Qden d) l then Qmake (zsumsq (map Qnum l)) (pmul (pmul (Qden d) (Qden d)) 2)
              else qsum (map half_sq l)
  end.

Definition residuals_q (a : activation) (ws : list nat) (p : list Q) (s : sample) : list Q :=
  map (fun oy => qsub (fst oy) (snd oy)) (combine (forward_q (act_q a) (layers ws p) (fst s)) (snd s)).

Definition risk_q (a : activation) (ws : list nat) (data : list sample) (p : list Q) : Q :=
  half_sq_sum (flat_map (residuals_q a ws p) data).

Lemma zsumsq_R (d : positive) l :
  same_den d l = true ->
  IZR (zsumsq (map Qnum l)) * / IZR (Zpos (d * d * 2)) = sum (map (fun x => Q2R (half_sq x)) l).
Proof.
  induction l as [|x l IH]; intro H; simpl; [ring|].
  unfold same_den in H; simpl in H. apply andb_prop in H. destruct H as [Hx H].
  apply Peqb_true_eq in Hx. rewrite <- (IH H). unfold half_sq. rewrite !qmul_eq, !qmul_R, zmul_eq.
  rewrite plus_IZR, mult_IZR. unfold Q2R. rewrite Hx. simpl Qnum. simpl Qden.
  rewrite !Pos2Z.inj_mul, !mult_IZR. field. apply not_0_IZR; lia.
Qed.

Lemma half_sq_sum_R l : Q2R (half_sq_sum l) = sum (map (fun x => Q2R (half_sq x)) l).
Proof.
  destruct l as [|x l]; [apply Q2R_0|]. unfold half_sq_sum.
  destruct (same_den (Qden x) (x :: l)) eqn:E.
  - unfold Q2R at 1; cbn [Qnum Qden]. rewrite !pmul_eq. apply zsumsq_R, E.
  - rewrite qsum_R, map_map. reflexivity.
Qed.

Lemma sum_app l1 l2 : sum (l1 ++ l2) = sum l1 + sum l2.
Proof. induction l1; simpl; [ring|]. unfold sum in *. simpl. rewrite IHl1. ring. Qed.

Lemma sum_flat_map {A B} (f : B -> R) (g : A -> list B) l :
  sum (map f (flat_map g l)) = sum (map (fun a => sum (map f (g a))) l).
Proof. induction l as [|a l IH]; simpl; [reflexivity|]. rewrite map_app, sum_app, IH. reflexivity. Qed.

Lemma risk_q_R n data p :
  lossk n = Squared ->
  Q2R (risk_q (activ n) (widths n) data p) = risk n data (params p).
Proof.
  intro Hl. unfold risk_q, risk. rewrite half_sq_sum_R, sum_flat_map. f_equal. apply map_ext. intro s.
  unfold residuals_q, sample_loss, params. rewrite map_map, Hl.
  rewrite layers_map.
  rewrite <- (forward_q_R (act_q (activ n))).
  2: { intro t. apply act_q_R. }
  rewrite combine_map, map_map. f_equal. apply map_ext. intros [o y]; simpl.
  unfold half_sq. rewrite !qmul_eq, !qmul_R, qsub_R. replace (Q2R (1 # 2)) with (/ 2) by (unfold Q2R; simpl; field). unfold Rdiv. ring.
Qed.
