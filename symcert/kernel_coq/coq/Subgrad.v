(** * Subgradients of the four losses, and the subgradient inequality.

    [subgrad l f y g = true] says that [g] lies in the subdifferential of the convex function
    [yhat -> ell l yhat y] at [f] (exact rationals); [subgrad_sound]: then
    [ell l f y + g (o - f) <= ell l o y] for every real [o]. [dloss] is one subgradient (the
    derivative where the loss is differentiable). *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Thm1 Curves.
Import ListNotations.

(** [g] lies in the subdifferential of [yhat -> ell l yhat y] at [f]. *)
Definition subgrad (l : loss) (f y g : Q) : bool :=
  let r := qsub f y in
  match l with
  | Squared => Qeq_bool g r
  | Absolute => if qlt 0 r then Qeq_bool g 1 else if qlt r 0 then Qeq_bool g (-1) else qle (-1) g && qle g 1
  | Huber d => if qle (qabs r) d then Qeq_bool g r else if qlt 0 r then Qeq_bool g d else Qeq_bool g (Qopp d)
  | Hinge =>
      let mg := qsub 1 (y * f) in
      if qlt 0 mg then Qeq_bool g (Qopp y) else if qlt mg 0 then Qeq_bool g 0
      else (qle (Qopp y) g && qle g 0) || (qle 0 g && qle g (Qopp y))
  end.

(** One subgradient: the derivative where the loss is differentiable, 0 or the clamped value
    at a kink. *)
Definition dloss (l : loss) (f y : Q) : Q :=
  let r := qsub f y in
  match l with
  | Squared => r
  | Absolute => if qlt 0 r then 1%Q else if qlt r 0 then (-1)%Q else 0%Q
  | Huber d => if qle (qabs r) d then r else if qlt 0 r then d else Qopp d
  | Hinge => if qlt 0 (qsub 1 (y * f)) then Qopp y else 0%Q
  end.

Local Open Scope R_scope.

Lemma abs_le_inv x a : Rabs x <= a -> - a <= x <= a.
Proof. intro H. pose proof (Rle_abs x). pose proof (Rle_abs (- x)). rewrite Rabs_Ropp in H1. lra. Qed.

Lemma hinge_aux g y d : ((-y <= g /\ g <= 0) \/ (0 <= g /\ g <= -y)) -> 0 + g * d <= (if Rle_dec 0 (0 - y * d) then 0 - y * d else 0).
Proof.
  intros [[H1 H2]|[H1 H2]]; destruct (Rle_dec 0 (0 - y * d)); destruct (Rle_dec 0 d).
  - assert (0 <= y) by lra. assert (0 <= (-g) * d) by (apply Rmult_le_pos; lra). nra.
  - assert (0 <= (g + y) * (-d)) by (apply Rmult_le_pos; lra). nra.
  - assert (0 <= (-g) * d) by (apply Rmult_le_pos; lra). lra.
  - exfalso. assert (0 <= y * (-d)) by (apply Rmult_le_pos; lra). lra.
  - assert (0 <= (-(g + y)) * d) by (apply Rmult_le_pos; lra). nra.
  - assert (g * (-d) >= 0) by (apply Rle_ge, Rmult_le_pos; lra). nra.
  - exfalso. assert (0 <= (-y) * d) by (apply Rmult_le_pos; lra). lra.
  - assert (0 <= g * (-d)) by (apply Rmult_le_pos; lra). lra.
Qed.

Lemma subgrad_sound l f y g o :
  loss_ok l = true -> subgrad l f y g = true ->
  ell l (Q2R f) (Q2R y) + Q2R g * (o - Q2R f) <= ell l o (Q2R y).
Proof.
  intros Hok H. unfold subgrad in H. cbv zeta in H. destruct l as [| |d|]; cbn [ell].
  - apply qeq_R in H. rewrite qsub_R in H. rewrite H. pose proof (pow2_ge_0 (o - Q2R f)). nra.
  - destruct (qlt 0 (qsub f y)) eqn:E1; [|destruct (qlt (qsub f y) 0) eqn:E2].
    + apply qlt_R in E1. rewrite qsub_R, Q2R_0 in E1. apply qeq_R in H. rewrite H, Q2R_1.
      rewrite Rabs_right by lra. pose proof (Rle_abs (o - Q2R y)). lra.
    + apply qlt_R in E2. rewrite qsub_R, Q2R_0 in E2. apply qeq_R in H. rewrite H.
      replace (Q2R (-1)) with (-1) by (unfold Q2R; simpl; field).
      rewrite Rabs_left by lra. pose proof (Rle_abs (- (o - Q2R y))). rewrite Rabs_Ropp in H0. lra.
    + assert (Hr : Q2R f = Q2R y).
      { unfold qlt in E1, E2. apply negb_false_iff, Qle_bool_iff, Qle_Rle in E1, E2.
        rewrite qsub_R, Q2R_0 in E1, E2. lra. }
      apply andb_prop in H. destruct H as [H1 H2]. apply Qle_bool_iff, Qle_Rle in H1, H2.
      replace (Q2R (-1)) with (-1) in H1 by (unfold Q2R; simpl; field). rewrite Q2R_1 in H2.
      rewrite Hr, Rminus_eq_0, Rabs_R0, Rplus_0_l.
      destruct (Rle_dec 0 (o - Q2R y)).
      * rewrite Rabs_right by lra. nra.
      * rewrite Rabs_left by lra. nra.
  - apply qlt_R in Hok. rewrite Q2R_0 in Hok.
    set (z := o - Q2R y). set (w := Q2R f - Q2R y).
    replace (o - Q2R f) with (z - w) by (unfold z, w; ring).
    destruct (qle (qabs (qsub f y)) d) eqn:E1; [|destruct (qlt 0 (qsub f y)) eqn:E2].
    + apply Qle_bool_iff, Qle_Rle in E1. rewrite qabs_R, qsub_R in E1. fold w in E1.
      apply qeq_R in H. rewrite qsub_R in H. fold w in H. rewrite H.
      destruct (Rle_dec (Rabs w) (Q2R d)) as [_|N]; [|contradiction].
      apply abs_le_inv in E1. fold z.
      destruct (Rle_dec (Rabs z) (Q2R d)).
      * pose proof (pow2_ge_0 (z - w)). nra.
      * assert (Q2R d < Rabs z) by lra.
        destruct (Rle_dec 0 z).
        -- rewrite Rabs_right in * by lra. nra.
        -- rewrite Rabs_left in * by lra. nra.
    + apply qlt_R in E2. rewrite qsub_R, Q2R_0 in E2. fold w in E2.
      unfold qle in E1. assert (Q2R d < Rabs w).
      { destruct (Rlt_le_dec (Q2R d) (Rabs w)) as [L|L]; [exact L|]. exfalso.
        unfold w in L. rewrite <- qsub_R, <- qabs_R in L. apply Rle_Qle, Qle_bool_iff in L. congruence. }
      apply qeq_R in H. rewrite H.
      destruct (Rle_dec (Rabs w) (Q2R d)) as [L|_]; [lra|]. fold z.
      rewrite (Rabs_right w) in * by lra.
      destruct (Rle_dec (Rabs z) (Q2R d)).
      * apply abs_le_inv in r. nra.
      * pose proof (Rle_abs z). nra.
    + assert (Q2R d < Rabs w).
      { destruct (Rlt_le_dec (Q2R d) (Rabs w)) as [L|L]; [exact L|]. exfalso.
        unfold w in L. rewrite <- qsub_R, <- qabs_R in L. apply Rle_Qle, Qle_bool_iff in L. unfold qle in E1. congruence. }
      assert (w <= 0).
      { unfold qlt in E2. apply negb_false_iff, Qle_bool_iff, Qle_Rle in E2. rewrite qsub_R, Q2R_0 in E2. fold w in E2. lra. }
      apply qeq_R in H. rewrite H, Q2R_opp.
      destruct (Rle_dec (Rabs w) (Q2R d)) as [L|_]; [lra|]. fold z.
      rewrite (Rabs_left1 w) in * by lra.
      destruct (Rle_dec (Rabs z) (Q2R d)).
      * apply abs_le_inv in r. nra.
      * pose proof (Rle_abs (- z)). rewrite Rabs_Ropp in H2. nra.
  - rewrite <- qmul_R, <- Q2R_1, <- qsub_R. unfold Rmax.
    assert (Ho : Q2R 1 - Q2R y * o = Q2R (qsub 1 (y * f)) - Q2R y * (o - Q2R f)).
    { rewrite qsub_R, qmul_R. ring. }
    rewrite Ho. set (mg := qsub 1 (y * f)) in *.
    destruct (qlt 0 mg) eqn:E1; [|destruct (qlt mg 0) eqn:E2].
    + apply qlt_R in E1. rewrite Q2R_0 in E1. apply qeq_R in H. rewrite H, Q2R_opp.
      destruct (Rle_dec 0 (Q2R mg)) as [_|N]; [|lra].
      destruct (Rle_dec 0 (Q2R mg - Q2R y * (o - Q2R f))); lra.
    + apply qlt_R in E2. rewrite Q2R_0 in E2. apply qeq_R in H. rewrite H, Q2R_0.
      destruct (Rle_dec 0 (Q2R mg)) as [L|_]; [lra|].
      destruct (Rle_dec 0 (Q2R mg - Q2R y * (o - Q2R f))); lra.
    + assert (Hm : Q2R mg = 0).
      { unfold qlt in E1, E2. apply negb_false_iff, Qle_bool_iff, Qle_Rle in E1, E2.
        rewrite Q2R_0 in E1, E2. lra. }
      rewrite Hm. destruct (Rle_dec 0 0) as [_|N]; [|lra].
      apply hinge_aux. apply orb_prop in H.
      destruct H as [H|H]; apply andb_prop in H; destruct H as [H1 H2];
        apply Qle_bool_iff, Qle_Rle in H1, H2; rewrite ?Q2R_opp, ?Q2R_0 in *; [left|right]; lra.
Qed.

